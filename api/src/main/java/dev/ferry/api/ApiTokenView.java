package dev.ferry.api;

/**
 * A person's API token. {@code token} is its secret, in the answer that made it and never again (the Host keeps
 * only a digest of it); null everywhere else.
 */
public record ApiTokenView(String id, String person, String name, String createdAt, String expiresAt,
                           String token) {
    @Override
    public String toString() {
        return "ApiTokenView[id=" + id + ", person=" + person + ", name=" + name + ", token=<secret>]";
    }
}

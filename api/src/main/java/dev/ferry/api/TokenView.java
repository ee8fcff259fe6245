package dev.ferry.api;

/** A one-time join token, shown once, with the TLS key the runner is to pin (null without TLS). */
public record TokenView(String token, String expiresAt, String hostFingerprint) {
    @Override
    public String toString() {
        return "TokenView[token=<secret>, expiresAt=" + expiresAt + "]";
    }
}

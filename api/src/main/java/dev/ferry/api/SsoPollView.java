package dev.ferry.api;

/**
 * {@code POST /api/v1/sso/poll}: {@code status} {@code pending} (ask again after the start's interval) or
 * {@code done}, with the person, their role, a new API token (secret shown once), and the certificate of the key
 * sent (an OpenSSH certificate line), all valid until {@code until}.
 */
public record SsoPollView(String status, String person, String role, ApiTokenView token,
                          String certificate, String until) {
    public static final SsoPollView PENDING = new SsoPollView("pending", null, null, null, null, null);

    @Override
    public String toString() {
        return "SsoPollView[status=" + status + ", person=" + person + ", token=" + token + "]";
    }
}

package dev.ferry.api;

/**
 * {@code POST /api/v1/sso/start}: what the person opens in a browser and types there, and the handle ({@code flow})
 * the CLI polls with every {@code interval} seconds, for at most {@code expires_in}.
 */
public record SsoStartView(String flow, String userCode, String verificationUri, String verificationUriComplete,
                           long expiresIn, long interval) {
    @Override
    public String toString() {
        return "SsoStartView[flow=<secret>, userCode=" + userCode + ", verificationUri=" + verificationUri + "]";
    }
}

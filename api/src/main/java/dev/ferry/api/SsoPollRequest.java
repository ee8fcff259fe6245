package dev.ferry.api;

/**
 * {@code POST /api/v1/sso/poll}: the sign-in's handle, from {@code POST /api/v1/sso/start}, and the public key
 * (OpenSSH ed25519 line) to certify, or null for no certificate.
 */
public record SsoPollRequest(String flow, String sshKey) {
    @Override
    public String toString() {
        return "SsoPollRequest[flow=<secret>, sshKey=" + sshKey + "]";
    }
}

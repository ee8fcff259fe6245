package dev.ferry.api;

/** {@code PUT /api/v1/vps/{ref}/host-key}: the host key an external VPS's sshd now presents. */
public record SetHostKeyRequest(String hostKey) {
}

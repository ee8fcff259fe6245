package dev.ferry.api;

/**
 * {@code PUT /api/v1/vps/{ref}/policy}: what the VPS demands of its sessions. {@code recording} is {@code optional}
 * or {@code required}, {@code forwarding} {@code all}, {@code local} or {@code none}; a field left out keeps its value.
 */
public record PolicyRequest(String recording, String forwarding) {
}

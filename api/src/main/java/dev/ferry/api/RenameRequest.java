package dev.ferry.api;

/** {@code PUT /api/v1/vps/{ref}/name}: the VPS's new name. */
public record RenameRequest(String name) {
}

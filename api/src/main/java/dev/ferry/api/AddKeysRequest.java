package dev.ferry.api;

import java.util.List;

/** {@code POST /api/v1/vps/{ref}/keys}: add keys to a VPS. */
public record AddKeysRequest(List<String> keys) {
}

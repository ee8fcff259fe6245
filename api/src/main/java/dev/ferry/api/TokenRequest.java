package dev.ferry.api;

/** {@code POST /api/v1/nodes/tokens}: how long the one-time join token lasts. */
public record TokenRequest(Long ttlSeconds) {
}

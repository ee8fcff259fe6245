package dev.ferry.api;

/** {@code POST /api/v1/tokens}: the new token's name and how long it lasts (default 30 days, at most 366). */
public record ApiTokenRequest(String name, Long ttlSeconds) {
}

package dev.ferry.api;

/** The body of {@code POST /api/v1/sessions/{id}/kill}: why, which the user's client prints. May be empty. */
public record KillRequest(String reason) {
}

package dev.ferry.api;

import java.util.List;

/**
 * {@code PUT /api/v1/vps/{ref}/grants/{person}}: the login users the grant allows (none: any) and when it ends
 * ({@code until}, an ISO-8601 instant; null: never).
 */
public record GrantRequest(List<String> logins, String until) {
}

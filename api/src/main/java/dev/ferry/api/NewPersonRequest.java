package dev.ferry.api;

import java.util.List;

/** {@code POST /api/v1/users}: a person's name, role ({@code admin}, {@code member}, {@code auditor}) and keys. */
public record NewPersonRequest(String name, String role, List<String> keys) {
}

package dev.ferry.api;

import java.util.List;

/**
 * A person in the control API's JSON. {@code disabled_at} and {@code disabled_by} are null while the person is
 * enabled; {@code keys} and {@code grants} are filled where the answer is about one person.
 */
public record PersonView(String name, String role, String disabledAt, String disabledBy, String createdAt,
                         String createdBy, int keyCount, List<KeyView> keys, List<GrantView> grants) {
}

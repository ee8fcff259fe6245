package dev.ferry.api;

import java.util.List;

/**
 * A person's grant to a VPS. {@code logins} empty: any login user; {@code until} null: no end; {@code expired}:
 * it has ended (it still shows until it is revoked or granted again).
 */
public record GrantView(String vps, String vpsName, String person, List<String> logins, String until,
                        boolean expired, String grantedBy, String grantedAt) {
}

package dev.ferry.bastion.people;

import java.time.Instant;
import java.util.Objects;

/**
 * Who a control API call acts as: a person, through one of their tokens, or the admin token (bootstrap, and
 * scripts on the Host's machine), which acts as an admin and is no person.
 *
 * @param person the person's name, or null for the admin token
 * @param role   what they may do
 * @param via    what proved it, for the audit: {@code admin token}, or {@code token laptop (t3f9...)}
 * @param until  when the token that proved it ends, or null for the admin token
 */
public record Principal(String person, Role role, String via, Instant until) {
    /** The admin token's principal. */
    public static final Principal ADMIN_TOKEN = new Principal(null, Role.ADMIN, People.ADMIN_TOKEN, null);

    public Principal {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(via, "via");
    }

    /** How the audit and the record name who did it: the person, or {@code admin token}. */
    public String who() {
        return person != null ? person : via;
    }
}

package dev.ferry.bastion.people;

import java.time.Instant;

/**
 * A person's API token as stored: its secret is shown once, at its creation, and kept only as a digest.
 *
 * @param id   how lists and revokes name it ({@code t} and 12 hex digits)
 * @param name what its person called it ({@code laptop})
 */
public record ApiToken(String id, String person, String name, Instant createdAt, Instant expiresAt) {
    /** A token just made, with its secret. */
    public record Issued(ApiToken token, String secret) {
    }
}

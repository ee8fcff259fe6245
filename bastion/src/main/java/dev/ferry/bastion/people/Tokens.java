package dev.ferry.bastion.people;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** People's API tokens. */
public interface Tokens {
    /** The longest a token lasts: a year. */
    Duration MAX_TTL = Duration.ofDays(366);

    /**
     * Makes a token for {@code person}, which lasts {@code ttl} (at most {@link #MAX_TTL}).
     *
     * @throws dev.ferry.bastion.FerryException INVALID for a bad name or ttl, NOT_FOUND for no such person
     */
    ApiToken.Issued create(String person, String name, Duration ttl);

    /** The tokens of {@code person}, newest first, ended ones included. */
    List<ApiToken> of(String person);

    /** @throws dev.ferry.bastion.FerryException NOT_FOUND when {@code person} has no such token */
    ApiToken revoke(String person, String id);

    /**
     * Who presents {@code secret} at {@code now}: empty for no token, an ended one, or a disabled person's (one
     * indexed query).
     */
    Optional<Principal> principal(String secret, Instant now);
}

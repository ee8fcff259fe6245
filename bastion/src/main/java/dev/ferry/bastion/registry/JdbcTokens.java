package dev.ferry.bastion.registry;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.people.ApiToken;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Principal;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.people.Tokens;
import dev.ferry.protocol.Credentials;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** People's API tokens in the registry's table {@code api_token}: a SHA-256 of each secret, never the secret. */
final class JdbcTokens implements Tokens {
    private static final Logger log = LoggerFactory.getLogger(JdbcTokens.class);
    /** Every person token starts so: a secret pasted somewhere is recognisable (and told from a runner's). */
    static final String PREFIX = "ferry_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, person, name, created_at, expires_at";

    private final Sql sql;
    private final People people;
    private final Clock clock;

    JdbcTokens(Sql sql, People people, Clock clock) {
        this.sql = sql;
        this.people = people;
        this.clock = clock;
    }

    @Override
    public ApiToken.Issued create(String person, String name, Duration ttl) {
        String p = people.get(person).name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw FerryException.invalid("a token's name is a letter or digit, then up to 63 letters, digits, "
                    + "spaces or . _ @ - (like laptop, or ci@build-7), not '" + name + "'");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw FerryException.invalid("a token lasts from 1 s to " + MAX_TTL.toDays() + " days, not " + ttl);
        }
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        byte[] idBytes = new byte[6];
        RANDOM.nextBytes(idBytes);
        ApiToken t = new ApiToken("t" + HexFormat.of().formatHex(idBytes), p, name, clock.instant(),
                clock.instant().plus(ttl));
        sql.transaction(c -> Sql.update(c, "INSERT INTO api_token(id, person, name, token_hash, created_at, "
                + "expires_at) VALUES (?, ?, ?, ?, ?, ?)", t.id(), p, name, Credentials.digest(secret), t.createdAt(),
                t.expiresAt()));
        log.info("person {}: token {} ({}) made, until {}", p, t.id(), name, t.expiresAt());
        return new ApiToken.Issued(t, secret);
    }

    @Override
    public List<ApiToken> of(String person) {
        return sql.query("SELECT " + COLUMNS + " FROM api_token WHERE person = ? ORDER BY created_at DESC, id",
                JdbcTokens::token, people.get(person).name());
    }

    @Override
    public ApiToken revoke(String person, String id) {
        ApiToken t = of(person).stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow(() ->
                FerryException.notFound(person + " has no token " + id + " (see: ferry token list)"));
        sql.transaction(c -> Sql.update(c, "DELETE FROM api_token WHERE id = ?", id));
        log.info("person {}: token {} ({}) revoked", t.person(), id, t.name());
        return t;
    }

    @Override
    public Optional<Principal> principal(String secret, Instant now) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return sql.query("SELECT t.id, t.name, t.expires_at, p.name AS person, p.role FROM api_token t JOIN person p "
                + "ON p.name = t.person WHERE t.token_hash = ? AND t.expires_at > ? AND p.disabled_at IS NULL",
                rs -> new Principal(rs.getString("person"), Role.fromWord(rs.getString("role")), "token "
                        + rs.getString("name") + " (" + rs.getString("id") + ")", Sql.instant(rs, "expires_at")),
                Credentials.digest(secret), now)
                .stream().findFirst();
    }

    private static ApiToken token(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getString("id"), rs.getString("person"), rs.getString("name"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "expires_at"));
    }
}

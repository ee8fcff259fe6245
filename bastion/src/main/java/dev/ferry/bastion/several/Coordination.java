package dev.ferry.bastion.several;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.registry.Statements;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What several Hosts on one registry agree on through it: leases (work one Host does at a time), the snowflake
 * instance ids in use, and the key material they share. On the embedded H2 file there is one Host, and each of
 * these is simply its own.
 */
public final class Coordination {
    private static final Logger log = LoggerFactory.getLogger(Coordination.class);
    private static final String KEY_MATERIAL = "key-material";

    private final Statements sql;
    private final Clock clock;

    /** Over the registry's database ({@code JdbcRegistry.statements()}). */
    public Coordination(Statements sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /**
     * Takes or renews the lease {@code name} for {@code holder} until {@code ttl} from now, unless another holder's
     * lease has not run out.
     *
     * @return whether {@code holder} holds it now
     */
    public boolean holdLease(String name, String holder, Duration ttl) {
        Instant now = clock.instant();
        boolean renewed = sql.transaction(tx -> tx.update("UPDATE lease SET holder = ?, expires_at = ? "
                + "WHERE name = ? AND (holder = ? OR holder IS NULL OR expires_at < ?)", holder, now.plus(ttl), name,
                holder, now) == 1);
        return renewed || insertLease(name, holder, now.plus(ttl));
    }

    /** @return whether the lease row was made now (false: there is one, another Host's or a free one) */
    private boolean insertLease(String name, String holder, Instant until) {
        return sql.insertIfAbsent("INSERT INTO lease(name, holder, expires_at) VALUES (?, ?, ?)", name, holder, until);
    }

    /** The holder of lease {@code name} while it has not run out, or null. */
    public String leaseHolder(String name) {
        return sql.query("SELECT holder FROM lease WHERE name = ? AND expires_at >= ?", rs -> rs.getString(1), name,
                clock.instant()).stream().findFirst().orElse(null);
    }

    /** Lets a lease go (a Host stopping cleanly), so that another takes it at once. */
    public void releaseLease(String name, String holder) {
        sql.transaction(tx -> tx.update("UPDATE lease SET holder = NULL, expires_at = NULL "
                + "WHERE name = ? AND holder = ?", name, holder));
    }

    /**
     * Claims snowflake instance id {@code id} for {@code holder}, or refreshes the claim. A claim another holder
     * refreshed within {@code stale} is theirs: two Hosts with one id would make the same VPS ids.
     *
     * @throws FerryException CONFLICT with a sentence naming {@code instance_id}
     */
    public void claimInstance(int id, String holder, Duration stale) {
        Instant now = clock.instant();
        sql.transaction(tx -> {
            List<Map.Entry<String, Instant>> claims = tx.query("SELECT holder, seen_at FROM host_instance "
                    + "WHERE instance_id = ? FOR UPDATE", rs -> Map.entry(rs.getString(1),
                    Statements.instant(rs, "seen_at")), id);
            if (!claims.isEmpty()) {
                String other = claims.get(0).getKey();
                Instant seen = claims.get(0).getValue();
                if (!other.equals(holder) && seen.isAfter(now.minus(stale))) {
                    throw FerryException.conflict("instance_id " + id + " is in use by another Host (" + other
                            + ", seen " + Duration.between(seen, now).toSeconds() + " s ago): give each Host "
                            + "its own instance_id (0-1023) in its config");
                }
                tx.update("UPDATE host_instance SET holder = ?, seen_at = ? WHERE instance_id = ?", holder, now, id);
                return null;
            }
            try {
                tx.update("INSERT INTO host_instance(instance_id, holder, seen_at) VALUES (?, ?, ?)", id, holder, now);
            } catch (SQLException e) {
                if (Statements.uniqueViolation(e)) {
                    throw FerryException.conflict("instance_id " + id + " was claimed by another Host just now: give "
                            + "each Host its own instance_id (0-1023) in its config");
                }
                throw e;
            }
            return null;
        });
    }

    /** Gives up instance id {@code id} (a Host stopping cleanly). */
    public void releaseInstance(int id, String holder) {
        sql.transaction(tx -> tx.update("DELETE FROM host_instance WHERE instance_id = ? AND holder = ?", id, holder));
    }

    /** When each shared secret was last stored: a Host sees another's rotation by a change here. */
    public Map<String, Instant> secretVersions() {
        Map<String, Instant> versions = new HashMap<>();
        for (Map.Entry<String, Instant> e : sql.query("SELECT name, created_at FROM shared_secret",
                rs -> Map.entry(rs.getString(1), Statements.instant(rs, "created_at")))) {
            versions.put(e.getKey(), e.getValue());
        }
        return versions;
    }

    /** The shared secrets as stored (name to sealed value). */
    public Map<String, String> secrets() {
        Map<String, String> sealed = new HashMap<>();
        for (Map.Entry<String, String> e : sql.query("SELECT name, sealed FROM shared_secret", Coordination::sealed)) {
            sealed.put(e.getKey(), e.getValue());
        }
        return sealed;
    }

    /** Stores new sealed values of shared secrets (a rotation), for every Host to take. */
    public void replaceSecrets(Map<String, String> sealed) {
        Instant now = clock.instant();
        sql.transaction(tx -> {
            for (Map.Entry<String, String> e : sealed.entrySet()) {
                if (tx.update("UPDATE shared_secret SET sealed = ?, created_at = ? WHERE name = ?", e.getValue(), now,
                        e.getKey()) != 1) {
                    insertSecret(tx, e.getKey(), e.getValue(), now);
                }
            }
            return null;
        });
        log.info("registry: {} replaced for every Host (sealed)", String.join(", ", sealed.keySet()));
    }

    /**
     * Works on the shared key material one Host at a time, registry-wide: {@code work} gets what is stored (name to
     * sealed value) and returns what it adds (names not stored yet), which is stored before the lock goes.
     */
    public void shareSecrets(Function<Map<String, String>, Map<String, String>> work) {
        insertLease(KEY_MATERIAL, null, null);
        sql.transaction(tx -> {
            // every Host's first start waits here for the one before: the first one's keys are everyone's
            tx.query("SELECT name FROM lease WHERE name = ? FOR UPDATE", rs -> Boolean.TRUE, KEY_MATERIAL);
            Map<String, String> stored = new HashMap<>();
            tx.query("SELECT name, sealed FROM shared_secret", Coordination::sealed)
                    .forEach(e -> stored.put(e.getKey(), e.getValue()));
            Map<String, String> added = work.apply(Map.copyOf(stored));
            for (Map.Entry<String, String> e : added.entrySet()) {
                insertSecret(tx, e.getKey(), e.getValue(), clock.instant());
                log.info("registry: {} stored for every Host (sealed)", e.getKey());
            }
            return null;
        });
    }

    private static void insertSecret(Statements.Transaction tx, String name, String sealed, Instant at)
            throws SQLException {
        tx.update("INSERT INTO shared_secret(name, sealed, created_at) VALUES (?, ?, ?)", name, sealed, at);
    }

    private static Map.Entry<String, String> sealed(ResultSet rs) throws SQLException {
        return Map.entry(rs.getString(1), rs.getString(2));
    }
}

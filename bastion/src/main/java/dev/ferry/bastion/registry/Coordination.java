package dev.ferry.bastion.registry;

import dev.ferry.bastion.FerryException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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

    private final Sql sql;
    private final Clock clock;

    Coordination(Sql sql, Clock clock) {
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
        boolean renewed = sql.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE lease SET holder = ?, expires_at = ? WHERE name = ? "
                    + "AND (holder = ? OR holder IS NULL OR expires_at < ?)")) {
                ps.setString(1, holder);
                ps.setObject(2, Sql.utc(now.plus(ttl)));
                ps.setString(3, name);
                ps.setString(4, holder);
                ps.setObject(5, Sql.utc(now));
                return ps.executeUpdate() == 1;
            }
        });
        return renewed || insertLease(name, holder, now.plus(ttl));
    }

    /** @return whether the lease row was made now (false: there is one, another Host's or a free one) */
    private boolean insertLease(String name, String holder, Instant until) {
        return sql.insertIfAbsent("INSERT INTO lease(name, holder, expires_at) VALUES (?, ?, ?)", ps -> {
            ps.setString(1, name);
            ps.setString(2, holder);
            ps.setObject(3, until == null ? null : Sql.utc(until));
        });
    }

    /** The holder of lease {@code name} while it has not run out, or null. */
    public String leaseHolder(String name) {
        return sql.query("SELECT holder FROM lease WHERE name = ? AND expires_at >= ?", ps -> {
            ps.setString(1, name);
            ps.setObject(2, Sql.utc(clock.instant()));
        }, rs -> rs.getString(1)).stream().findFirst().orElse(null);
    }

    /** Lets a lease go (a Host stopping cleanly), so that another takes it at once. */
    public void releaseLease(String name, String holder) {
        sql.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE lease SET holder = NULL, expires_at = NULL "
                    + "WHERE name = ? AND holder = ?")) {
                ps.setString(1, name);
                ps.setString(2, holder);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Claims snowflake instance id {@code id} for {@code holder}, or refreshes the claim. A claim another holder
     * refreshed within {@code stale} is theirs: two Hosts with one id would make the same VPS ids.
     *
     * @throws FerryException CONFLICT with a sentence naming {@code instance_id}
     */
    public void claimInstance(int id, String holder, Duration stale) {
        Instant now = clock.instant();
        sql.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT holder, seen_at FROM host_instance "
                    + "WHERE instance_id = ? FOR UPDATE")) {
                ps.setInt(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        String other = rs.getString(1);
                        Instant seen = Sql.instant(rs, "seen_at");
                        if (!other.equals(holder) && seen.isAfter(now.minus(stale))) {
                            throw FerryException.conflict("instance_id " + id + " is in use by another Host (" + other
                                    + ", seen " + Duration.between(seen, now).toSeconds() + " s ago): give each Host "
                                    + "its own instance_id (0-1023) in its config");
                        }
                        update(c, "UPDATE host_instance SET holder = ?, seen_at = ? WHERE instance_id = ?", holder,
                                now, id);
                        return null;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO host_instance(instance_id, holder, seen_at) "
                    + "VALUES (?, ?, ?)")) {
                ps.setInt(1, id);
                ps.setString(2, holder);
                ps.setObject(3, Sql.utc(now));
                ps.executeUpdate();
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
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
        sql.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM host_instance WHERE instance_id = ? "
                    + "AND holder = ?")) {
                ps.setInt(1, id);
                ps.setString(2, holder);
                return ps.executeUpdate();
            }
        });
    }

    private static void update(Connection c, String sql, String holder, Instant at, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, holder);
            ps.setObject(2, Sql.utc(at));
            ps.setInt(3, id);
            ps.executeUpdate();
        }
    }

    /** When each shared secret was last stored: a Host sees another's rotation by a change here. */
    public Map<String, Instant> secretVersions() {
        Map<String, Instant> versions = new HashMap<>();
        for (Map.Entry<String, Instant> e : sql.query("SELECT name, created_at FROM shared_secret", ps -> { },
                rs -> Map.entry(rs.getString(1), Sql.instant(rs, "created_at")))) {
            versions.put(e.getKey(), e.getValue());
        }
        return versions;
    }

    /** The shared secrets as stored (name to sealed value). */
    public Map<String, String> secrets() {
        Map<String, String> sealed = new HashMap<>();
        for (Map.Entry<String, String> e : sql.query("SELECT name, sealed FROM shared_secret", ps -> { },
                rs -> Map.entry(rs.getString(1), rs.getString(2)))) {
            sealed.put(e.getKey(), e.getValue());
        }
        return sealed;
    }

    /** Stores new sealed values of shared secrets (a rotation), for every Host to take. */
    public void replaceSecrets(Map<String, String> sealed) {
        Instant now = clock.instant();
        sql.transaction(c -> {
            for (Map.Entry<String, String> e : sealed.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE shared_secret SET sealed = ?, created_at = ? "
                        + "WHERE name = ?")) {
                    ps.setString(1, e.getValue());
                    ps.setObject(2, Sql.utc(now));
                    ps.setString(3, e.getKey());
                    if (ps.executeUpdate() == 1) {
                        continue;
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO shared_secret(name, sealed, created_at) "
                        + "VALUES (?, ?, ?)")) {
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue());
                    ps.setObject(3, Sql.utc(now));
                    ps.executeUpdate();
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
        sql.transaction(c -> {
            // every Host's first start waits here for the one before: the first one's keys are everyone's
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM lease WHERE name = ? FOR UPDATE")) {
                ps.setString(1, KEY_MATERIAL);
                ps.executeQuery().close();
            }
            Map<String, String> stored = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, sealed FROM shared_secret");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getString(1), rs.getString(2));
                }
            }
            Map<String, String> added = work.apply(Map.copyOf(stored));
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO shared_secret(name, sealed, created_at) "
                    + "VALUES (?, ?, ?)")) {
                for (Map.Entry<String, String> e : added.entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue());
                    ps.setObject(3, Sql.utc(clock.instant()));
                    ps.executeUpdate();
                    log.info("registry: {} stored for every Host (sealed)", e.getKey());
                }
            }
            return null;
        });
    }
}

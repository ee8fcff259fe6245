package dev.ferry.bastion.registry;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.fleet.RunnerRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner table of the registry. A heartbeat that changes nothing but its time is kept in memory:
 * the row is written when the runner registers, comes back, goes offline (with its last heartbeat) or its
 * Docker changes, so the file does not take a write every 5 s per runner.
 */
final class JdbcRunners implements RunnerRegistry {
    private static final Logger log = LoggerFactory.getLogger(JdbcRunners.class);
    private static final String COLUMNS = "name, address, cpus, memory_bytes, docker_ok, docker_error, online, "
            + "registered_at, last_heartbeat";
    private static final String SELECTED = COLUMNS + ", on_host_machine, port_min, port_max";

    private final Sql sql;
    /** The latest heartbeat of each runner, when it is newer than the row's. */
    private final Map<String, Instant> heard = new ConcurrentHashMap<>();
    /** How often a heartbeat's time alone is written (the Hosts of a shared registry read it), or null: never. */
    private final Duration writeEvery;
    /** When this Host last wrote each runner's heartbeat time. */
    private final Map<String, Instant> written = new ConcurrentHashMap<>();

    JdbcRunners(Sql sql, Duration writeEvery) {
        this.sql = sql;
        this.writeEvery = writeEvery;
    }

    @Override
    public synchronized Runner enroll(String name, String address, Runner.Enrollment enrollment, String credentialHash,
                                      Instant at) {
        heard.remove(name);
        Object[] row = {address, at, at, credentialHash, enrollment.onHostMachine(), enrollment.portMin(),
                enrollment.portMax(), name};
        sql.transaction(c -> {
            List<Boolean> enrolled = Sql.query(c, "SELECT credential_hash FROM runner WHERE name = ? FOR UPDATE",
                    rs -> rs.getString(1) != null, name);
            if (!enrolled.isEmpty() && enrolled.get(0)) {
                throw enrolledAlready(name);
            }
            // a row from before enrollment is taken over, else a new one (two Hosts inserting the same name: the
            // second meets the primary key, and the name is enrolled already)
            if (Sql.update(c, "UPDATE runner SET address = ?, cpus = 0, memory_bytes = 0, docker_ok = FALSE, "
                    + "docker_error = NULL, online = FALSE, registered_at = ?, last_heartbeat = ?, "
                    + "credential_hash = ?, on_host_machine = ?, port_min = ?, port_max = ? WHERE name = ?", row) > 0) {
                return null;
            }
            try {
                Sql.update(c, "INSERT INTO runner(address, cpus, memory_bytes, docker_ok, docker_error, online, "
                        + "registered_at, last_heartbeat, credential_hash, on_host_machine, port_min, port_max, name) "
                        + "VALUES (?, 0, 0, FALSE, NULL, FALSE, ?, ?, ?, ?, ?, ?, ?)", row);
            } catch (SQLException e) {
                if (Sql.uniqueViolation(e)) {
                    throw enrolledAlready(name);
                }
                throw e;
            }
            return null;
        });
        log.info("runner {} enrolled: address {}, ports {}{}", name, address, enrollment.portRange(),
                enrollment.onHostMachine() ? ", on the Host's machine" : "");
        return find(name).orElseThrow();
    }

    private static FerryException enrolledAlready(String name) {
        return FerryException.conflict("runner '" + name + "' is enrolled already, with another credential; to replace "
                + "its machine, an admin removes it first: ferry node remove " + name + ", then the new machine enrolls");
    }

    @Override
    public boolean isEnrolled(String name) {
        return !sql.query("SELECT 1 FROM runner WHERE name = ? AND credential_hash IS NOT NULL", rs -> 1, name)
                .isEmpty();
    }

    @Override
    public boolean hasJoinToken(String tokenHash, Instant now) {
        return !sql.query("SELECT 1 FROM join_token WHERE token_hash = ? AND expires_at > ?", rs -> 1, tokenHash, now)
                .isEmpty();
    }

    @Override
    public Optional<String> nameOfCredential(String credentialHash) {
        return sql.query("SELECT name FROM runner WHERE credential_hash = ?", rs -> rs.getString(1), credentialHash)
                .stream().findFirst();
    }

    @Override
    public synchronized boolean remove(String name) {
        heard.remove(name);
        boolean removed = sql.transaction(c -> {
            Sql.update(c, "DELETE FROM vps_removal WHERE runner_name = ?", name); // nothing left to wait for
            return Sql.update(c, "DELETE FROM runner WHERE name = ?", name) == 1;
        });
        if (removed) {
            log.info("runner {} removed: its credential is no longer accepted", name);
        }
        return removed;
    }

    @Override
    public void addJoinToken(String tokenHash, Instant at, Instant expires) {
        sql.transaction(c -> {
            Sql.update(c, "DELETE FROM join_token WHERE expires_at < ?", at);
            Sql.update(c, "INSERT INTO join_token(token_hash, created_at, expires_at) VALUES (?, ?, ?)", tokenHash, at,
                    expires);
            return null;
        });
    }

    @Override
    public boolean takeJoinToken(String tokenHash, Instant now) {
        return sql.transaction(c -> Sql.update(c, "DELETE FROM join_token WHERE token_hash = ? AND expires_at > ?",
                tokenHash, now) == 1);
    }

    @Override
    public synchronized Runner register(String name, int cpus, long memoryBytes, boolean dockerOk, String dockerError,
                                        String session, Instant at) {
        heard.remove(name);
        int updated = sql.transaction(c -> Sql.update(c, "UPDATE runner SET cpus = ?, memory_bytes = ?, "
                + "docker_ok = ?, docker_error = ?, online = TRUE, last_heartbeat = ?, session = ? WHERE name = ?",
                cpus, memoryBytes, dockerOk, dockerError, at, session, name));
        if (updated == 0) {
            throw FerryException.notFound("runner '" + name + "' is not enrolled; enroll it first");
        }
        Runner r = find(name).orElseThrow();
        log.info("runner {} registered from {} ({} CPUs, {} MiB){}", name, r.address(), cpus, memoryBytes >> 20,
                dockerOk ? "" : "; docker: " + dockerError);
        return r;
    }

    @Override
    public synchronized Optional<Runner> heartbeat(String name, String session, boolean dockerOk, String dockerError,
                                                   Instant at) {
        Optional<Runner> before = find(name);
        if (before.isEmpty()) {
            return before;
        }
        String current = sql.query("SELECT COALESCE(session, '') FROM runner WHERE name = ?", rs -> rs.getString(1),
                name).stream().findFirst().orElse("");
        if (current.isEmpty()) {
            return Optional.empty(); // enrolled, but its process has not registered yet
        }
        if (session != null && !current.equals(session)) {
            throw FerryException.conflict("runner '" + name + "' has been registered by another process since this "
                    + "one registered: two runner processes must not share a name, so this one stops (give each "
                    + "machine its own --name)");
        }
        Runner was = before.get();
        heard.put(name, at);
        if (was.online() && was.dockerOk() == dockerOk && Objects.equals(was.dockerError(), dockerError)) {
            // only the time changed: kept in memory, and written now and then where other Hosts read it
            Instant last = written.get(name);
            if (writeEvery != null && (last == null || !at.isBefore(last.plus(writeEvery)))) {
                sql.transaction(c -> Sql.update(c, "UPDATE runner SET last_heartbeat = ? WHERE name = ? "
                        + "AND last_heartbeat < ?", at, name, at));
                written.put(name, at);
            }
            return Optional.of(withLatestHeartbeat(was));
        }
        sql.transaction(c -> Sql.update(c, "UPDATE runner SET docker_ok = ?, docker_error = ?, online = TRUE, "
                + "last_heartbeat = ? WHERE name = ?", dockerOk, dockerError, at, name));
        if (!was.online()) {
            log.info("runner {} is back online", name);
        }
        if (was.dockerOk() != dockerOk) {
            log.info("runner {}: docker {}", name, dockerOk ? "answers again" : "unreachable: " + dockerError);
        }
        return find(name);
    }

    @Override
    public String registryId() {
        return sql.query("SELECT registry_id FROM registry_info", rs -> rs.getString(1)).get(0);
    }

    @Override
    public Optional<Runner> find(String name) {
        return sql.query("SELECT " + SELECTED + " FROM runner WHERE name = ?", JdbcRunners::runner, name).stream()
                .findFirst().map(this::withLatestHeartbeat);
    }

    @Override
    public List<Runner> list() {
        return sql.query("SELECT " + SELECTED + " FROM runner ORDER BY name", JdbcRunners::runner).stream()
                .map(this::withLatestHeartbeat).toList();
    }

    @Override
    public synchronized void heardAllOnlineAt(Instant at) {
        for (Runner r : list()) {
            if (r.online()) {
                heard.merge(r.name(), at, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
    }

    private Runner withLatestHeartbeat(Runner r) {
        Instant latest = heard.get(r.name());
        if (latest == null || !latest.isAfter(r.lastHeartbeat())) {
            return r;
        }
        return r.heardAt(latest);
    }

    @Override
    public synchronized List<Runner> markSilentOffline(Instant cutoff) {
        // heartbeats and this check are serialised (synchronized), so a runner that was just heard stays online
        List<Runner> silent = list().stream().filter(Runner::online).filter(r -> r.lastHeartbeat().isBefore(cutoff))
                .toList();
        if (silent.isEmpty()) {
            return silent;
        }
        return sql.transaction(c -> {
            List<Runner> marked = new ArrayList<>();
            for (Runner r : silent) {
                // last_heartbeat becomes the time kept in memory, for after a restart; the cutoff again, as another
                // Host may have heard it and written so since this one looked
                if (Sql.update(c, "UPDATE runner SET online = FALSE, last_heartbeat = ? WHERE name = ? AND online "
                        + "AND last_heartbeat < ?", r.lastHeartbeat(), r.name(), cutoff) == 1) {
                    marked.add(r);
                    log.warn("runner {} offline: no heartbeat since {}", r.name(), r.lastHeartbeat());
                }
            }
            return marked;
        });
    }

    private static Runner runner(ResultSet rs) throws SQLException {
        return new Runner(rs.getString("name"), rs.getString("address"), rs.getInt("cpus"), rs.getLong("memory_bytes"),
                rs.getBoolean("docker_ok"), rs.getString("docker_error"), rs.getBoolean("online"),
                Sql.instant(rs, "registered_at"), Sql.instant(rs, "last_heartbeat"),
                new Runner.Enrollment(rs.getBoolean("on_host_machine"), rs.getInt("port_min"), rs.getInt("port_max")));
    }
}

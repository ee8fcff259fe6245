package dev.ferry.bastion.registry;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.fleet.RunnerRegistry;
import dev.ferry.bastion.people.KeyAccess;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Tokens;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.Removal;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsKey;
import dev.ferry.bastion.vps.VpsPolicy;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.HostKeyLine;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerLimits;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry over JDBC: the embedded H2 file by default, or a PostgreSQL database several Hosts share
 * ({@link RegistryLocation}). One schema (Flyway, {@link Schema}) and the same SQL for both; what differs (the
 * file's compaction and full disk, a server's lost connections and conflicts) is the {@link Database}'s.
 */
public final class JdbcRegistry implements VpsRegistry {
    private static final Logger log = LoggerFactory.getLogger(JdbcRegistry.class);
    /** A removal whose container was never reported gone (its runner went for good) is forgotten after this. */
    private static final Duration REMOVAL_KEPT = Duration.ofDays(1);
    private static final String VPS_COLUMNS = "v.id, v.name, v.status, v.endpoint_host, v.endpoint_port, "
            + "v.created_at, v.updated_at, v.image, v.runner_name, v.cpus, v.memory_bytes, v.desired, v.restarting, "
            + "v.last_error, v.host_key, v.host_certified, v.recording, v.forwarding, v.applied_cpus, "
            + "v.applied_memory_bytes, v.owner, "
            + "(SELECT COUNT(*) FROM vps_key k WHERE k.vps_id = v.id) AS key_count";

    private final Database db;
    private final Snowflake ids;
    private final Clock clock;
    private final Sql sql;
    private final VpsKeys keys;
    private final JdbcRunners runners;
    private final JdbcPeople people;
    private final JdbcTokens tokens;
    private final Statements statements;

    private JdbcRegistry(Database db, Snowflake ids, Clock clock) {
        this.db = db;
        this.ids = ids;
        this.clock = clock;
        this.sql = new Sql(db);
        this.keys = new VpsKeys(sql);
        this.runners = new JdbcRunners(sql, db.sharedByHosts() ? HEARTBEAT_WRITES : null);
        this.people = new JdbcPeople(sql, clock);
        this.tokens = new JdbcTokens(sql, people, clock);
        this.statements = new Statements(sql);
    }

    /**
     * How often a runner's heartbeat time is written when nothing else changed, where several Hosts read it (their
     * watchdog marks a runner lost 30 s after its last heartbeat): often enough for that, not at every beat.
     */
    static final Duration HEARTBEAT_WRITES = Duration.ofSeconds(10);

    /** The same database for the tables of several Hosts: leases, instance ids and shared key material. */
    public Statements statements() {
        return statements;
    }

    /** Opens (creating when missing) the embedded registry file {@code dir/registry} and migrates it. */
    public static JdbcRegistry open(Path dir, Snowflake ids, Clock clock) {
        return open(dir, ids, clock, DiskSpace.DEFAULT_MARGIN);
    }

    /** {@link #open(Path, Snowflake, Clock)} refusing changes below {@code freeMargin} free bytes (tests: 0). */
    static JdbcRegistry open(Path dir, Snowflake ids, Clock clock, long freeMargin) {
        return open(H2Database.open(dir, freeMargin), ids, clock);
    }

    /** Opens the registry where {@code location} says: the embedded file in {@code dir}, or PostgreSQL. */
    public static JdbcRegistry open(RegistryLocation location, Path dir, Snowflake ids, Clock clock) {
        return location.embedded() ? open(dir, ids, clock)
                : open(PostgresDatabase.open(location, location.password()), ids, clock);
    }

    /**
     * Checks that a PostgreSQL registry can be used as configured, without opening the Host's pool or changing
     * anything: its password file is readable (and only by its owner), and the server answers to it. The key file
     * is the several Hosts' seal's to check ({@code SecretSeal.fromFile}).
     *
     * @return what was found, a sentence
     * @throws IllegalArgumentException or IllegalStateException with the sentence of what is wrong
     */
    public static String check(RegistryLocation location) {
        if (location.embedded()) {
            return "the embedded H2 file in the data directory";
        }
        return location.parts().describe() + " (it answers: " + PostgresDatabase.probe(location) + "), key file "
                + location.keyFile();
    }

    private static JdbcRegistry open(Database db, Snowflake ids, Clock clock) {
        try {
            Schema.migrate(db);
            log.info("registry {} open (schema version {})", db.describe(), Schema.currentVersion(db));
        } catch (SQLException e) {
            db.close();
            throw new IllegalStateException("cannot open the registry " + db.describe() + ": "
                    + Database.firstLine(e), e);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return new JdbcRegistry(db, ids, clock);
    }

    @Override
    public Vps create(NewVps v) {
        long id = ids.next();
        Instant now = clock.instant();
        try {
            sql.transaction(c -> {
                insert(c, id, v, now);
                return null;
            });
        } catch (NameTaken e) {
            throw nameTaken(e.name);
        }
        logCreated(id, v);
        return get(VpsRef.ofId(id));
    }

    @Override
    public Optional<Vps> createOnRunner(NewVps v, Predicate<List<Vps>> fits) {
        String runner = v.placement().runner();
        long id = ids.next();
        Instant now = clock.instant();
        boolean created;
        try {
            created = sql.transaction(c -> {
                // every create for this runner, on every Host, waits here for the one before to commit
                if (Sql.query(c, "SELECT name FROM runner WHERE name = ? FOR UPDATE", rs -> Boolean.TRUE, runner)
                        .isEmpty()) {
                    throw FerryException.notFound("no runner '" + runner + "' is registered (see: ferry node list)");
                }
                List<Vps> placed = Sql.query(c, "SELECT " + VPS_COLUMNS + " FROM vps v WHERE v.runner_name = ?",
                        JdbcRegistry::vps, runner);
                if (!fits.test(placed)) {
                    return false;
                }
                insert(c, id, v, now);
                return true;
            });
        } catch (NameTaken taken) {
            throw nameTaken(taken.name);
        }
        if (!created) {
            return Optional.empty();
        }
        logCreated(id, v);
        return Optional.of(get(VpsRef.ofId(id)));
    }

    private static void insert(Connection c, long id, NewVps v, Instant now) throws SQLException {
        Placement p = v.placement();
        Endpoint e = v.endpoint();
        try {
            Sql.update(c, "INSERT INTO vps(id, name, status, endpoint_host, endpoint_port, created_at, updated_at, "
                    + "image, runner_name, cpus, memory_bytes, desired, host_key, owner) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    id, v.name(), (p == null ? VpsStatus.RUNNING : VpsStatus.ASSIGNING).word(),
                    e == null ? null : e.host(), e == null ? null : e.port(), now, now,
                    p == null ? null : p.image(), p == null ? null : p.runner(), p == null ? null : p.cpus(),
                    p == null ? null : p.memoryBytes(), p == null ? null : p.desired().word(), v.hostKey(), v.owner());
        } catch (SQLException failed) {
            if (Sql.uniqueViolation(failed)) {
                throw new NameTaken(v.name());
            }
            if (v.owner() != null && Sql.foreignKeyViolation(failed)) {
                throw FerryException.notFound("no person named " + v.owner() + " (removed meanwhile): the VPS was "
                        + "not made");
            }
            throw failed;
        }
        VpsKeys.insert(c, id, v.keys(), now);
    }

    /** A name another VPS holds, found inside a transaction: said once it has been rolled back. */
    private static final class NameTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String name;

        NameTaken(String name) {
            super(name, null, false, false);
            this.name = name;
        }
    }

    /** The refusal of a name in use: which VPS holds it, in what state, and how the name is freed. */
    private FerryException nameTaken(String name) {
        String holder = "";
        try {
            Vps other = get(VpsRef.parse(name));
            holder = " (" + other.sshUser() + ", " + other.status().word() + ")";
        } catch (FerryException gone) {
            // it went in the meantime: the sentence stays true for the moment it was said
        }
        return FerryException.conflict("a VPS named '" + name + "' already exists" + holder + ": pick another name, "
                + "or free this one: ferry vps remove " + name + " (or ferry vps rename " + name + " NEW-NAME)");
    }

    private static void logCreated(long id, NewVps v) {
        log.info("vps {} registered (name {}, {}, {} key(s){})", id, v.name(),
                v.placement() == null ? "endpoint " + v.endpoint()
                        : "image " + v.placement().image() + " on runner " + v.placement().runner(), v.keys().size(),
                v.owner() == null ? "" : ", owned by " + v.owner());
    }

    @Override
    public Map<Long, Vps> byIds(Collection<Long> ids) {
        Map<Long, Vps> found = new HashMap<>();
        Sql.inChunks(ids, (in, chunk) -> sql.query("SELECT " + VPS_COLUMNS + " FROM vps v WHERE v.id IN (" + in
                + ")", JdbcRegistry::vps, chunk).forEach(v -> found.put(v.id(), v)));
        return found;
    }

    @Override
    public Map<Long, Set<String>> keyFingerprints(Collection<Long> ids) {
        return keys.fingerprints(ids);
    }

    @Override
    public Optional<Vps> find(VpsRef ref) {
        return sql.query("SELECT " + VPS_COLUMNS + " FROM vps v WHERE " + whereRef(ref), JdbcRegistry::vps,
                refValue(ref)).stream().findFirst();
    }

    /** The condition on {@code vps v} that picks the VPS {@code ref} names, with one parameter: {@link #refValue}. */
    static String whereRef(VpsRef ref) {
        return ref.id() != null ? "v.id = ?" : "v.name = ?";
    }

    static Object refValue(VpsRef ref) {
        return ref.id() != null ? ref.id() : ref.name();
    }

    @Override
    public List<Vps> list() {
        return sql.query("SELECT " + VPS_COLUMNS + " FROM vps v ORDER BY v.id", JdbcRegistry::vps);
    }

    @Override
    public Map<VpsStatus, Integer> countByStatus() {
        Map<VpsStatus, Integer> counts = new EnumMap<>(VpsStatus.class);
        for (Map.Entry<VpsStatus, Integer> e : sql.query("SELECT status, COUNT(*) AS n FROM vps GROUP BY status",
                rs -> Map.entry(VpsStatus.fromWord(rs.getString("status")), rs.getInt("n")))) {
            counts.put(e.getKey(), e.getValue());
        }
        return counts;
    }

    @Override
    public Vps remove(VpsRef ref) {
        Vps v = get(ref);
        Instant now = clock.instant();
        sql.transaction(c -> {
            if (Sql.update(c, "DELETE FROM vps WHERE id = ?", v.id()) == 0) {
                throw notFound(ref);
            }
            Sql.update(c, "DELETE FROM vps_removal WHERE removed_at < ?", now.minus(REMOVAL_KEPT));
            if (v.onRunner()) {
                Sql.update(c, "INSERT INTO vps_removal(vps_id, runner_name, removed_at) VALUES (?, ?, ?)", v.id(),
                        v.placement().runner(), now);
            }
            return null;
        });
        log.info("vps {} removed", v.id());
        return v;
    }

    @Override
    public Optional<Removal> removal(long id) {
        return sql.query("SELECT vps_id, runner_name, removed_at FROM vps_removal WHERE vps_id = ?",
                rs -> new Removal(rs.getLong(1), rs.getString(2), Sql.instant(rs, "removed_at")), id).stream()
                .findFirst();
    }

    @Override
    public void containersGone(String runner, Set<Long> reported) {
        List<Long> pending = sql.query("SELECT vps_id FROM vps_removal WHERE runner_name = ?", rs -> rs.getLong(1),
                runner);
        for (long id : pending) {
            if (!reported.contains(id)) {
                sql.transaction(c -> Sql.update(c, "DELETE FROM vps_removal WHERE vps_id = ?", id));
                log.info("vps {}: its container is gone from runner {}", id, runner);
            }
        }
    }

    @Override
    public List<VpsKey> keys(VpsRef ref) {
        return keys.of(get(ref).id());
    }

    @Override
    public List<VpsKey> addKeys(VpsRef ref, List<SshPublicKey> added) {
        if (added.isEmpty()) {
            throw FerryException.invalid("no key given");
        }
        Vps v = get(ref);
        List<VpsKey> stored = keys.add(v, added, clock.instant());
        log.info("vps {}: {} key(s) added", v.id(), added.size());
        return stored;
    }

    @Override
    public VpsKey removeKey(VpsRef ref, String fingerprint) {
        Vps v = get(ref);
        VpsKey removed = keys.remove(v, fingerprint);
        log.info("vps {}: key {} removed", v.id(), fingerprint);
        return removed;
    }

    @Override
    public Vps rename(VpsRef ref, String name) {
        Vps v = get(ref);
        String valid = VpsRef.validName(name);
        if (valid.equals(v.name())) {
            return v;
        }
        try {
            sql.transaction(c -> {
                try {
                    // updated_at is left alone: it tells when the VPS's status last changed
                    return Sql.update(c, "UPDATE vps SET name = ?, host_certified = FALSE WHERE id = ?", valid,
                            v.id());
                } catch (SQLException e) {
                    if (Sql.uniqueViolation(e)) {
                        throw new NameTaken(valid);
                    }
                    throw e;
                }
            });
        } catch (NameTaken e) {
            throw nameTaken(e.name);
        }
        log.info("vps {}: renamed from {} to {}", v.id(), v.name(), valid);
        return get(VpsRef.ofId(v.id()));
    }

    @Override
    public Vps setPolicy(VpsRef ref, VpsPolicy policy) {
        Vps v = get(ref);
        sql.transaction(c -> Sql.update(c, "UPDATE vps SET recording = ?, forwarding = ? WHERE id = ?",
                policy.recording().word(), policy.forwarding().word(), v.id()));
        log.info("vps {}: recording {}, forwarding {}", v.id(), policy.recording().word(), policy.forwarding().word());
        return get(VpsRef.ofId(v.id()));
    }

    @Override
    public Vps updateStatus(VpsRef ref, VpsStatus status) {
        Vps v = get(ref);
        updateVps(v.id(), "UPDATE vps SET status = ?, updated_at = ? WHERE id = ?", status.word(), clock.instant(),
                v.id());
        log.info("vps {} now {}", v.id(), status);
        return get(VpsRef.ofId(v.id()));
    }

    @Override
    public Optional<Vps> replacePlacement(long id, Placement expected, Placement next) {
        int changed = sql.transaction(c -> Sql.update(c, "UPDATE vps SET desired = ?, restarting = ?, "
                + "runner_name = ?, updated_at = ? WHERE id = ? AND desired = ? AND restarting = ? AND runner_name = ?",
                next.desired().word(), next.restarting(), next.runner(), clock.instant(), id,
                expected.desired().word(), expected.restarting(), expected.runner()));
        if (changed == 0) {
            get(VpsRef.ofId(id)); // not found: says so
            return Optional.empty();
        }
        return Optional.of(get(VpsRef.ofId(id)));
    }

    @Override
    public void recordLimits(long id, ContainerLimits limits) {
        sql.transaction(c -> Sql.update(c, "UPDATE vps SET applied_cpus = ?, applied_memory_bytes = ? WHERE id = ?",
                limits.cpus(), limits.memoryBytes(), id));
    }

    @Override
    public Vps recordObserved(long id, VpsStatus status, Endpoint endpoint, String lastError) {
        Vps before = get(VpsRef.ofId(id));
        if (before.status() == status && Objects.equals(before.endpoint(), endpoint)
                && Objects.equals(before.lastError(), lastError)) {
            return before; // heartbeats repeat themselves: write only changes
        }
        updateVps(id, "UPDATE vps SET status = ?, endpoint_host = ?, endpoint_port = ?, last_error = ?, updated_at = ? "
                + "WHERE id = ?", status.word(), endpoint == null ? null : endpoint.host(),
                endpoint == null ? null : endpoint.port(), lastError, clock.instant(), id);
        if (before.status() != status) {
            log.info("vps {} now {}{}", id, status, lastError == null ? "" : ": " + lastError);
        }
        return get(VpsRef.ofId(id));
    }

    @Override
    public boolean recordHostKey(long id, String hostKey) {
        String line = HostKeyLine.normalize(hostKey);
        // updated_at is left alone: it tells when the VPS's status last changed
        int changed = sql.transaction(c -> Sql.update(c,
                "UPDATE vps SET host_key = ? WHERE id = ? AND host_key IS NULL", line, id));
        if (changed == 0) {
            get(VpsRef.ofId(id)); // not found: says so
            return false;
        }
        log.info("vps {}: host key {} recorded", id, SshPublicKey.parse(line).fingerprint());
        return true;
    }

    @Override
    public OptionalLong replaceHostKey(long id, String hostKey) {
        String line = HostKeyLine.normalize(hostKey);
        // the certificate served was for the key before; one statement, so no other VPS takes the key between the
        // check and the write
        int changed = sql.transaction(c -> Sql.update(c, "UPDATE vps SET host_key = ?, host_certified = FALSE "
                + "WHERE id = ? AND (host_key IS NULL OR host_key <> ?) "
                + "AND NOT EXISTS (SELECT 1 FROM vps o WHERE o.host_key = ? AND o.id <> ?)", line, id, line, line, id));
        if (changed > 0) {
            log.info("vps {}: host key now {}", id, SshPublicKey.parse(line).fingerprint());
            return OptionalLong.empty();
        }
        List<Long> holders = sql.query("SELECT id FROM vps WHERE host_key = ? AND id <> ?", rs -> rs.getLong(1), line,
                id);
        return holders.isEmpty() ? OptionalLong.empty() : OptionalLong.of(holders.get(0));
    }

    @Override
    public void recordHostCertified(long id, boolean certified) {
        sql.transaction(c -> Sql.update(c, "UPDATE vps SET host_certified = ? WHERE id = ?", certified, id));
    }

    @Override
    public List<Vps> onRunner(String runner) {
        return sql.query("SELECT " + VPS_COLUMNS + " FROM vps v WHERE v.runner_name = ? ORDER BY v.id",
                JdbcRegistry::vps, runner);
    }

    /** Runs one UPDATE of VPS {@code id} in a transaction of its own; the VPS gone meanwhile is not found. */
    private void updateVps(long id, String statement, Object... params) {
        sql.transaction(c -> {
            if (Sql.update(c, statement, params) == 0) {
                throw notFound(VpsRef.ofId(id));
            }
            return null;
        });
    }

    /** The runner table, in the same database (one instance: it keeps the latest heartbeats). */
    public RunnerRegistry runners() {
        return runners;
    }

    @Override
    public People people() {
        return people;
    }

    @Override
    public Tokens tokens() {
        return tokens;
    }

    @Override
    public Optional<KeyAccess> access(VpsRef ref, String fingerprint) {
        return keys.access(ref, fingerprint);
    }

    @Override
    public boolean anyHoldsKey(String fingerprint) {
        return anyHoldsKey(fingerprint, true, clock.instant());
    }

    @Override
    public Optional<String> jumpVia(String fingerprint, boolean vpsKeys, Instant now) {
        return keys.jumpVia(fingerprint, vpsKeys, now);
    }

    @Override
    public void close() {
        db.close();
    }

    private static FerryException notFound(VpsRef ref) {
        return FerryException.notFound("no VPS '" + ref + "' is registered (see: ferry vps list)");
    }

    private static Vps vps(ResultSet rs) throws SQLException {
        String host = rs.getString("endpoint_host");
        Endpoint endpoint = host == null ? null : new Endpoint(host, rs.getInt("endpoint_port"));
        String image = rs.getString("image");
        Placement placement = image == null ? null : new Placement(image, rs.getString("runner_name"),
                rs.getObject("cpus", Double.class), rs.getObject("memory_bytes", Long.class),
                TargetState.fromWord(rs.getString("desired")), rs.getBoolean("restarting"));
        return new Vps(rs.getLong("id"), rs.getString("name"), VpsStatus.fromWord(rs.getString("status")),
                endpoint, rs.getInt("key_count"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"), placement,
                rs.getString("last_error"), rs.getString("host_key"), rs.getBoolean("host_certified"),
                new VpsPolicy(VpsPolicy.Recording.fromWord(rs.getString("recording")),
                        VpsPolicy.Forwarding.fromWord(rs.getString("forwarding"))), limits(rs),
                rs.getString("owner"));
    }

    private static ContainerLimits limits(ResultSet rs) throws SQLException {
        Double cpus = rs.getObject("applied_cpus", Double.class);
        Long memory = rs.getObject("applied_memory_bytes", Long.class);
        return cpus == null || memory == null ? null : new ContainerLimits(cpus, memory);
    }
}

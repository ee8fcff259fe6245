package dev.ferry.bastion.registry;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.fleet.RunnerRegistry;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsKey;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.HostKeyLine;
import dev.ferry.keys.SshPublicKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BiConsumer;
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
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String VPS_COLUMNS = "v.id, v.name, v.status, v.endpoint_host, v.endpoint_port, "
            + "v.created_at, v.updated_at, v.image, v.runner_name, v.cpus, v.memory_bytes, v.desired, v.restarting, "
            + "v.last_error, v.host_key, v.host_certified, (SELECT COUNT(*) FROM vps_key k WHERE k.vps_id = v.id) AS key_count";

    private final Database db;
    private final Snowflake ids;
    private final Clock clock;
    private final Sql sql;
    private final JdbcRunners runners;
    private final Coordination coordination;

    private JdbcRegistry(Database db, Snowflake ids, Clock clock) {
        this.db = db;
        this.ids = ids;
        this.clock = clock;
        this.sql = new Sql(db);
        this.runners = new JdbcRunners(sql, db.sharedByHosts() ? HEARTBEAT_WRITES : null);
        this.coordination = new Coordination(sql, clock);
    }

    /**
     * How often a runner's heartbeat time is written when nothing else changed, where several Hosts read it (their
     * watchdog marks a runner lost 30 s after its last heartbeat): often enough for that, not at every beat.
     */
    static final java.time.Duration HEARTBEAT_WRITES = java.time.Duration.ofSeconds(10);

    /** Leases, instance ids and shared key material: what several Hosts on this registry agree on. */
    public Coordination coordination() {
        return coordination;
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
     * anything: its password and key files are readable (and only by their owner), and the server answers to them.
     *
     * @return what was found, a sentence
     * @throws IllegalArgumentException or IllegalStateException with the sentence of what is wrong
     */
    public static String check(RegistryLocation location) {
        if (location.embedded()) {
            return "the embedded H2 file in the data directory";
        }
        SecretSeal.fromFile(location.keyFile());
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
        sql.transaction(c -> {
            insert(c, id, v, now);
            return null;
        });
        logCreated(id, v);
        return get(VpsRef.ofId(id));
    }

    @Override
    public Optional<Vps> createOnRunner(NewVps v, Predicate<List<Vps>> fits) {
        String runner = v.placement().runner();
        long id = ids.next();
        Instant now = clock.instant();
        boolean created = sql.transaction(c -> {
            // every create for this runner, on every Host, waits here for the one before to commit
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM runner WHERE name = ? FOR UPDATE")) {
                ps.setString(1, runner);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw FerryException.notFound("no runner '" + runner + "' is registered (see: ferry node list)");
                    }
                }
            }
            List<Vps> placed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + VPS_COLUMNS + " FROM vps v WHERE v.runner_name = ?")) {
                ps.setString(1, runner);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        placed.add(vps(rs));
                    }
                }
            }
            if (!fits.test(placed)) {
                return false;
            }
            insert(c, id, v, now);
            return true;
        });
        if (!created) {
            return Optional.empty();
        }
        logCreated(id, v);
        return Optional.of(get(VpsRef.ofId(id)));
    }

    private void insert(Connection c, long id, NewVps v, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO vps(id, name, status, endpoint_host, "
                + "endpoint_port, created_at, updated_at, image, runner_name, cpus, memory_bytes, desired, host_key) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            Placement p = v.placement();
            ps.setLong(1, id);
            ps.setString(2, v.name());
            ps.setString(3, (p == null ? VpsStatus.RUNNING : VpsStatus.ASSIGNING).word());
            ps.setString(4, v.endpoint() == null ? null : v.endpoint().host());
            ps.setObject(5, v.endpoint() == null ? null : v.endpoint().port());
            ps.setObject(6, Sql.utc(now));
            ps.setObject(7, Sql.utc(now));
            ps.setString(8, p == null ? null : p.image());
            ps.setString(9, p == null ? null : p.runner());
            ps.setObject(10, p == null ? null : p.cpus());
            ps.setObject(11, p == null ? null : p.memoryBytes());
            ps.setString(12, p == null ? null : p.desired().word());
            ps.setString(13, v.hostKey());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw FerryException.conflict("a VPS named '" + v.name() + "' already exists");
            }
            throw e;
        }
        insertKeys(c, id, v.keys(), now);
    }

    private static void logCreated(long id, NewVps v) {
        log.info("vps {} registered (name {}, {}, {} key(s))", id, v.name(),
                v.placement() == null ? "endpoint " + v.endpoint()
                        : "image " + v.placement().image() + " on runner " + v.placement().runner(), v.keys().size());
    }

    private void insertKeys(Connection c, long vpsId, List<SshPublicKey> keys, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO vps_key(vps_id, fingerprint, key_type, "
                + "key_blob, comment, added_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (SshPublicKey k : keys) {
                ps.setLong(1, vpsId);
                ps.setString(2, k.fingerprint());
                ps.setString(3, k.type());
                ps.setString(4, k.base64());
                ps.setString(5, k.comment());
                ps.setObject(6, Sql.utc(now));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Ids per IN list: far below any driver's limit on parameters. */
    private static final int IDS_PER_QUERY = 500;

    @Override
    public Map<Long, Vps> byIds(Collection<Long> ids) {
        Map<Long, Vps> found = new HashMap<>();
        inChunks(ids, (in, chunk) -> sql.query("SELECT " + VPS_COLUMNS + " FROM vps v WHERE v.id IN (" + in + ")",
                ps -> bindIds(ps, chunk), JdbcRegistry::vps).forEach(v -> found.put(v.id(), v)));
        return found;
    }

    @Override
    public Map<Long, Set<String>> keyFingerprints(Collection<Long> ids) {
        Map<Long, Set<String>> found = new HashMap<>();
        inChunks(ids, (in, chunk) -> sql.query("SELECT vps_id, fingerprint FROM vps_key WHERE vps_id IN (" + in + ")",
                ps -> bindIds(ps, chunk), rs -> Map.entry(rs.getLong(1), rs.getString(2)))
                .forEach(e -> found.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(e.getValue())));
        return found;
    }

    /** Calls {@code query} with "?, ?, ..." and the ids for each chunk of at most {@link #IDS_PER_QUERY}. */
    private static void inChunks(Collection<Long> ids, BiConsumer<String, List<Long>> query) {
        List<Long> all = List.copyOf(new HashSet<>(ids));
        for (int i = 0; i < all.size(); i += IDS_PER_QUERY) {
            List<Long> chunk = all.subList(i, Math.min(all.size(), i + IDS_PER_QUERY));
            query.accept(String.join(", ", Collections.nCopies(chunk.size(), "?")), chunk);
        }
    }

    private static void bindIds(PreparedStatement ps, List<Long> ids) throws SQLException {
        for (int i = 0; i < ids.size(); i++) {
            ps.setLong(i + 1, ids.get(i));
        }
    }

    @Override
    public Optional<Vps> find(VpsRef ref) {
        String where = ref.id() != null ? "v.id = ?" : "v.name = ?";
        List<Vps> found = sql.query("SELECT " + VPS_COLUMNS + " FROM vps v WHERE " + where,
                ps -> {
                    if (ref.id() != null) {
                        ps.setLong(1, ref.id());
                    } else {
                        ps.setString(1, ref.name());
                    }
                }, JdbcRegistry::vps);
        return found.stream().findFirst();
    }

    @Override
    public List<Vps> list() {
        return sql.query("SELECT " + VPS_COLUMNS + " FROM vps v ORDER BY v.id", ps -> { }, JdbcRegistry::vps);
    }

    @Override
    public Map<VpsStatus, Integer> countByStatus() {
        Map<VpsStatus, Integer> counts = new EnumMap<>(VpsStatus.class);
        for (Map.Entry<VpsStatus, Integer> e : sql.query("SELECT status, COUNT(*) AS n FROM vps GROUP BY status",
                ps -> { }, rs -> Map.entry(VpsStatus.fromWord(rs.getString("status")), rs.getInt("n")))) {
            counts.put(e.getKey(), e.getValue());
        }
        return counts;
    }

    @Override
    public Vps remove(VpsRef ref) {
        Vps v = get(ref);
        sql.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM vps WHERE id = ?")) {
                ps.setLong(1, v.id());
                if (ps.executeUpdate() == 0) {
                    throw notFound(ref);
                }
            }
            return null;
        });
        log.info("vps {} removed", v.id());
        return v;
    }

    @Override
    public List<VpsKey> keys(VpsRef ref) {
        long id = get(ref).id();
        return keysOf(id);
    }

    private List<VpsKey> keysOf(long id) {
        return sql.query("SELECT vps_id, key_type, key_blob, comment, added_at FROM vps_key WHERE vps_id = ? "
                + "ORDER BY added_at, fingerprint", ps -> ps.setLong(1, id), JdbcRegistry::key);
    }

    @Override
    public List<VpsKey> addKeys(VpsRef ref, List<SshPublicKey> keys) {
        if (keys.isEmpty()) {
            throw FerryException.invalid("no key given");
        }
        Vps v = get(ref);
        Instant now = clock.instant();
        sql.transaction(c -> {
            try {
                insertKeys(c, v.id(), keys, now);
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState()) || isBatchUniqueViolation(e)) {
                    throw FerryException.conflict("that key is already stored for " + v.label()
                            + " (see: ferry vps keys list " + v.id() + ")");
                }
                throw e;
            }
            return null;
        });
        log.info("vps {}: {} key(s) added", v.id(), keys.size());
        List<String> added = keys.stream().map(SshPublicKey::fingerprint).toList();
        return keysOf(v.id()).stream().filter(k -> added.contains(k.fingerprint())).toList();
    }

    private static boolean isBatchUniqueViolation(SQLException e) {
        for (SQLException next = e.getNextException(); next != null; next = next.getNextException()) {
            if (UNIQUE_VIOLATION.equals(next.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState());
    }

    @Override
    public VpsKey removeKey(VpsRef ref, String fingerprint) {
        Vps v = get(ref);
        return sql.transaction(c -> {
            lockVps(c, v.id());
            List<VpsKey> keys = keysOf(v.id());
            VpsKey target = keys.stream().filter(k -> k.fingerprint().equals(fingerprint)).findFirst()
                    .orElseThrow(() -> FerryException.notFound("no key " + fingerprint + " is stored for "
                            + v.label() + " (see: ferry vps keys list " + v.id() + ")"));
            if (keys.size() == 1) {
                throw FerryException.conflict(fingerprint + " is the last key of " + v.label()
                        + ": nobody could log in without it; add another key first, or remove the VPS");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM vps_key WHERE vps_id = ? AND fingerprint = ?")) {
                ps.setLong(1, v.id());
                ps.setString(2, fingerprint);
                ps.executeUpdate();
            }
            log.info("vps {}: key {} removed", v.id(), fingerprint);
            return target;
        });
    }

    @Override
    public Vps rename(VpsRef ref, String name) {
        Vps v = get(ref);
        String valid = VpsRef.validName(name);
        if (valid.equals(v.name())) {
            return v;
        }
        sql.transaction(c -> {
            // updated_at is left alone: it tells when the VPS's status last changed
            try (PreparedStatement ps = c.prepareStatement("UPDATE vps SET name = ?, host_certified = FALSE "
                    + "WHERE id = ?")) {
                ps.setString(1, valid);
                ps.setLong(2, v.id());
                return ps.executeUpdate();
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw FerryException.conflict("a VPS named '" + valid + "' already exists");
                }
                throw e;
            }
        });
        log.info("vps {}: renamed from {} to {}", v.id(), v.name(), valid);
        return get(VpsRef.ofId(v.id()));
    }

    @Override
    public Vps updateStatus(VpsRef ref, VpsStatus status) {
        Vps v = get(ref);
        update(v.id(), "UPDATE vps SET status = ?, updated_at = ? WHERE id = ?", ps -> ps.setString(1, status.word()));
        log.info("vps {} now {}", v.id(), status);
        return get(VpsRef.ofId(v.id()));
    }

    @Override
    public Optional<Vps> replacePlacement(long id, Placement expected, Placement next) {
        int changed = sql.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE vps SET desired = ?, restarting = ?, runner_name = ?, "
                    + "updated_at = ? WHERE id = ? AND desired = ? AND restarting = ? AND runner_name = ?")) {
                ps.setString(1, next.desired().word());
                ps.setBoolean(2, next.restarting());
                ps.setString(3, next.runner());
                ps.setObject(4, Sql.utc(clock.instant()));
                ps.setLong(5, id);
                ps.setString(6, expected.desired().word());
                ps.setBoolean(7, expected.restarting());
                ps.setString(8, expected.runner());
                return ps.executeUpdate();
            }
        });
        if (changed == 0) {
            get(VpsRef.ofId(id)); // not found: says so
            return Optional.empty();
        }
        return Optional.of(get(VpsRef.ofId(id)));
    }

    @Override
    public Vps recordObserved(long id, VpsStatus status, Endpoint endpoint, String lastError) {
        Vps before = get(VpsRef.ofId(id));
        if (before.status() == status && java.util.Objects.equals(before.endpoint(), endpoint)
                && java.util.Objects.equals(before.lastError(), lastError)) {
            return before; // heartbeats repeat themselves: write only changes
        }
        update(id, "UPDATE vps SET status = ?, endpoint_host = ?, endpoint_port = ?, last_error = ?, updated_at = ? "
                + "WHERE id = ?", ps -> {
                    ps.setString(1, status.word());
                    ps.setString(2, endpoint == null ? null : endpoint.host());
                    ps.setObject(3, endpoint == null ? null : endpoint.port());
                    ps.setString(4, lastError);
                });
        if (before.status() != status) {
            log.info("vps {} now {}{}", id, status, lastError == null ? "" : ": " + lastError);
        }
        return get(VpsRef.ofId(id));
    }

    @Override
    public boolean recordHostKey(long id, String hostKey) {
        String line = HostKeyLine.normalize(hostKey);
        int changed = sql.transaction(c -> {
            // updated_at is left alone: it tells when the VPS's status last changed
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE vps SET host_key = ? WHERE id = ? AND host_key IS NULL")) {
                ps.setString(1, line);
                ps.setLong(2, id);
                return ps.executeUpdate();
            }
        });
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
        int changed = sql.transaction(c -> {
            // the certificate served was for the key before; one statement, so no other VPS takes the key between
            // the check and the write
            try (PreparedStatement ps = c.prepareStatement("UPDATE vps SET host_key = ?, host_certified = FALSE "
                    + "WHERE id = ? AND (host_key IS NULL OR host_key <> ?) "
                    + "AND NOT EXISTS (SELECT 1 FROM vps o WHERE o.host_key = ? AND o.id <> ?)")) {
                ps.setString(1, line);
                ps.setLong(2, id);
                ps.setString(3, line);
                ps.setString(4, line);
                ps.setLong(5, id);
                return ps.executeUpdate();
            }
        });
        if (changed > 0) {
            log.info("vps {}: host key now {}", id, SshPublicKey.parse(line).fingerprint());
            return OptionalLong.empty();
        }
        List<Long> holders = sql.query("SELECT id FROM vps WHERE host_key = ? AND id <> ?", ps -> {
            ps.setString(1, line);
            ps.setLong(2, id);
        }, rs -> rs.getLong(1));
        return holders.isEmpty() ? OptionalLong.empty() : OptionalLong.of(holders.get(0));
    }

    @Override
    public void recordHostCertified(long id, boolean certified) {
        sql.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE vps SET host_certified = ? WHERE id = ?")) {
                ps.setBoolean(1, certified);
                ps.setLong(2, id);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<Vps> onRunner(String runner) {
        return sql.query("SELECT " + VPS_COLUMNS + " FROM vps v WHERE v.runner_name = ? ORDER BY v.id",
                ps -> ps.setString(1, runner), JdbcRegistry::vps);
    }

    /** Runs an UPDATE whose last two parameters are updated_at and the id. */
    private void update(long id, String statement, Sql.Binder first) {
        sql.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                first.bind(ps);
                int n = ps.getParameterMetaData().getParameterCount();
                ps.setObject(n - 1, Sql.utc(clock.instant()));
                ps.setLong(n, id);
                if (ps.executeUpdate() == 0) {
                    throw notFound(VpsRef.ofId(id));
                }
            }
            return null;
        });
    }

    /** The runner table, in the same database (one instance: it keeps the latest heartbeats). */
    public RunnerRegistry runners() {
        return runners;
    }

    /** Serialises key changes of one VPS, so two removals cannot both pass the last-key check. */
    private static void lockVps(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM vps WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, id);
            ps.executeQuery().close();
        }
    }

    @Override
    public boolean hasKey(long vpsId, String fingerprint) {
        return !sql.query("SELECT 1 FROM vps_key WHERE vps_id = ? AND fingerprint = ?", ps -> {
            ps.setLong(1, vpsId);
            ps.setString(2, fingerprint);
        }, rs -> Boolean.TRUE).isEmpty();
    }

    @Override
    public OptionalLong idHoldingKey(VpsRef ref, String fingerprint) {
        String where = ref.id() != null ? "v.id = ?" : "v.name = ?";
        List<Long> ids = sql.query("SELECT v.id FROM vps v JOIN vps_key k ON k.vps_id = v.id WHERE " + where
                + " AND k.fingerprint = ?", ps -> {
                    if (ref.id() != null) {
                        ps.setLong(1, ref.id());
                    } else {
                        ps.setString(1, ref.name());
                    }
                    ps.setString(2, fingerprint);
                }, rs -> rs.getLong(1));
        return ids.isEmpty() ? OptionalLong.empty() : OptionalLong.of(ids.get(0));
    }

    @Override
    public boolean anyHoldsKey(String fingerprint) {
        return !sql.query("SELECT 1 FROM vps_key WHERE fingerprint = ? LIMIT 1", ps -> ps.setString(1, fingerprint),
                rs -> Boolean.TRUE).isEmpty();
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
                rs.getString("last_error"), rs.getString("host_key"), rs.getBoolean("host_certified"));
    }

    private static VpsKey key(ResultSet rs) throws SQLException {
        byte[] blob = Base64.getDecoder().decode(rs.getString("key_blob"));
        return new VpsKey(rs.getLong("vps_id"),
                new SshPublicKey(rs.getString("key_type"), blob, rs.getString("comment")),
                Sql.instant(rs, "added_at"));
    }
}

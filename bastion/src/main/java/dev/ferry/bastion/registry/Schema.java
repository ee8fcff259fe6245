package dev.ferry.bastion.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's schema, one set of Flyway migrations ({@code db/registry}) for H2 and PostgreSQL, their history
 * in {@code ferry_schema_history}. Several Hosts starting at once on one PostgreSQL migrate one at a time (Flyway
 * holds a lock for it). A registry a newer Ferry migrated further is refused rather than used with a schema this
 * code does not know.
 */
final class Schema {
    private static final Logger log = LoggerFactory.getLogger(Schema.class);
    static final String HISTORY = "ferry_schema_history";
    /**
     * Where the migrations are. Not Flyway's default {@code db/migration}, which held the hand-written scripts
     * before: a checkout built again without a clean keeps those in its build directory, and Flyway would find
     * two of each version there.
     */
    static final String LOCATION = "classpath:db/registry";

    private Schema() {
    }

    /** Migrates the database to this code's latest version and gives the registry its identity when it has none. */
    static void migrate(Database db) throws SQLException {
        boolean legacy = db instanceof H2Database && db.run(c -> LegacySchema.bringUp(c, db.describe()), e -> false);
        Flyway flyway = Flyway.configure(Schema.class.getClassLoader())
                .dataSource(db.dataSource())
                .locations(LOCATION)
                .table(HISTORY)
                // a registry from before Flyway holds version 1's schema already
                .baselineOnMigrate(legacy)
                .baselineVersion("1")
                .baselineDescription("registry made before Flyway (legacy schema version 7)")
                // migrations applied by a newer Ferry are an error, not something to ignore
                .ignoreMigrationPatterns(new String[0])
                .load();
        try {
            MigrationInfoService info = flyway.info();
            if (Arrays.stream(info.all()).anyMatch(m -> m.getState() == MigrationState.FUTURE_SUCCESS
                    || m.getState() == MigrationState.FUTURE_FAILED)) {
                throw new IllegalStateException("the registry " + db.describe() + " has schema migrations this Ferry "
                        + "does not know: it was written by a newer Ferry; run that version, or restore a backup");
            }
            // nothing is written when nothing is pending: a Host restarted on a full disk still opens its file
            if (legacy || info.pending().length > 0) {
                MigrateResult result = flyway.migrate();
                log.info("registry {} schema migrated from {} to {}", db.describe(),
                        result.initialSchemaVersion == null ? "nothing" : result.initialSchemaVersion,
                        result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new IllegalStateException("cannot migrate the registry " + db.describe() + ": "
                    + Database.firstLine(e), e);
        }
        if (db.run(c -> identity(c).isEmpty(), e -> true)) {
            db.run(Schema::identify, e -> true);
        }
    }

    private static Optional<String> identity(Connection c) throws SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT registry_id FROM registry_info")) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /** Gives a new registry its identity: one random id, kept for ever (another Host may be giving it at once). */
    private static Void identify(Connection c) throws SQLException {
        try (var ps = c.prepareStatement("INSERT INTO registry_info(one, registry_id) VALUES (1, ?)")) {
            ps.setString(1, UUID.randomUUID().toString());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) { // another Host gave it first
                throw e;
            }
        }
        return null;
    }

    /** The version the registry's schema is at now. */
    static String currentVersion(Database db) {
        var current = Flyway.configure(Schema.class.getClassLoader()).dataSource(db.dataSource())
                .locations(LOCATION).table(HISTORY).load().info().current();
        return current == null ? "none" : current.getVersion().getVersion();
    }
}

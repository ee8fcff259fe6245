package dev.ferry.bastion.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema migrations of the H2 registry from before Flyway: versions 1 to 7 in {@code ferry_schema}, the scripts
 * in {@code db/legacy}. A registry file that has them is brought to version 7, which is the schema Flyway's
 * version 1 makes, and Flyway takes it from there. A new registry never gets {@code ferry_schema}.
 */
final class LegacySchema {
    private static final Logger log = LoggerFactory.getLogger(LegacySchema.class);

    /** Script names under {@code db/legacy/}, version = position + 1. Closed: new changes are Flyway's. */
    static final List<String> SCRIPTS = List.of("V1__vps_and_keys.sql", "V2__runners.sql", "V3__registry_id.sql",
            "V4__runner_session.sql", "V5__vps_host_key.sql", "V6__runner_enrollment.sql",
            "V7__vps_host_certified.sql");

    private LegacySchema() {
    }

    /**
     * Brings a registry made before Flyway to the last legacy version.
     *
     * @return whether it is such a registry (then Flyway takes it as its version 1)
     * @throws IllegalStateException when it has a version this code does not know
     */
    static boolean bringUp(Connection c, String where) throws SQLException {
        if (!hasTable(c, "FERRY_SCHEMA")) {
            return false;
        }
        int current = currentVersion(c);
        if (current > SCRIPTS.size()) {
            throw new IllegalStateException("the registry at " + where + " has schema version " + current
                    + " but this Ferry knows versions up to " + SCRIPTS.size()
                    + "; it was written by a newer Ferry: run that version, or restore a backup");
        }
        for (int v = current + 1; v <= SCRIPTS.size(); v++) {
            applyOne(c, v, SCRIPTS.get(v - 1));
        }
        return true;
    }

    /** Makes the schema an earlier Ferry of legacy {@code version} left (tests of the way up from it). */
    static void make(Connection c, int version) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ferry_schema (version INT PRIMARY KEY, script VARCHAR(255) NOT NULL, "
                    + "applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
        }
        for (int v = 1; v <= version; v++) {
            applyOne(c, v, SCRIPTS.get(v - 1));
        }
    }

    private static boolean hasTable(Connection c, String name) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet rs = meta.getTables(null, null, name, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM ferry_schema")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void applyOne(Connection c, int version, String script) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            for (String sql : read(script).split(";\\s*(\\n|$)")) {
                if (!sql.isBlank()) {
                    st.execute(sql);
                }
            }
            st.execute("INSERT INTO ferry_schema(version, script, applied_at) VALUES (" + version + ", '"
                    + script + "', CURRENT_TIMESTAMP)");
            c.commit();
            log.info("registry schema migrated to legacy version {} ({})", version, script);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static String read(String script) {
        try (InputStream in = LegacySchema.class.getResourceAsStream("/db/legacy/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration script " + script + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration script " + script, e);
        }
    }
}

package dev.ferry.bastion.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied in order at start-up, each in its own transaction. The applied
 * versions are kept in {@code ferry_schema}; a registry written by a newer Ferry is refused rather than
 * used with a schema this code does not understand.
 */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /** Script names under {@code db/migration/}, version = position + 1. Append only. */
    static final List<String> SCRIPTS = List.of("V1__vps_and_keys.sql", "V2__runners.sql", "V3__registry_id.sql",
            "V4__runner_session.sql", "V5__vps_host_key.sql", "V6__runner_enrollment.sql",
            "V7__vps_host_certified.sql");

    private Migrations() {
    }

    public static int latestVersion() {
        return SCRIPTS.size();
    }

    /** Brings the schema up to {@link #latestVersion()}; returns the version found before. */
    public static int apply(Connection c, String where) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS ferry_schema (version INT PRIMARY KEY, "
                    + "script VARCHAR(255) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
        }
        int current = currentVersion(c);
        if (current > latestVersion()) {
            throw new IllegalStateException("the registry at " + where + " has schema version " + current
                    + " but this Ferry knows versions up to " + latestVersion()
                    + "; it was written by a newer Ferry: run that version, or restore a backup");
        }
        for (int v = current + 1; v <= latestVersion(); v++) {
            applyOne(c, v, SCRIPTS.get(v - 1));
        }
        return current;
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
            log.info("registry schema migrated to version {} ({})", version, script);
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
            if (in == null) {
                throw new IllegalStateException("migration script " + script + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration script " + script, e);
        }
    }
}

package dev.ferry.bastion.registry;

import com.zaxxer.hikari.HikariConfig;
import dev.ferry.bastion.FerryException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A registry on PostgreSQL, which several Hosts share. A transaction that lost a serialization conflict or a
 * deadlock to another Host's committed nothing and runs again; a lost connection (the server restarted, a
 * failover) is dropped from the pool and the work runs again on a new one. A server that does not answer is
 * said so in a sentence, without the password.
 */
final class PostgresDatabase extends Database {
    /** Tries of one piece of work while another Host's transaction wins, or the server comes back. */
    private static final int TRIES = 5;

    private final RegistryLocation.Parts parts;

    private PostgresDatabase(HikariConfig config, RegistryLocation.Parts parts) {
        super(config);
        this.parts = parts;
    }

    /** @param password the database password, or null for none (trust or peer authentication) */
    static PostgresDatabase open(RegistryLocation location, String password) {
        RegistryLocation.Parts parts = location.parts();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(parts.jdbcUrl());
        config.setUsername(parts.user());
        config.setPassword(password);
        config.setPoolName("ferry-registry");
        config.setConnectionTimeout(10_000);
        config.setDataSourceProperties(settings());
        try {
            return new PostgresDatabase(config, parts);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot open the registry " + parts.describe() + ": "
                    + firstLine(cause), e);
        }
    }

    /**
     * Whether the database lets this Host in, for {@code ferry host --check-config}: one connection with the
     * settings and credentials of the pool's, closed at once.
     *
     * @return what answers, such as {@code PostgreSQL 15.8}
     * @throws IllegalStateException with the server's sentence when it does not let the Host in
     */
    static String probe(RegistryLocation location) {
        RegistryLocation.Parts parts = location.parts();
        Properties props = settings();
        if (parts.user() != null) {
            props.setProperty("user", parts.user());
        }
        String password = location.password();
        if (password != null) {
            props.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(parts.jdbcUrl(), props)) {
            DatabaseMetaData about = c.getMetaData();
            return about.getDatabaseProductName() + " " + about.getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new IllegalStateException("the registry " + parts.describe() + " does not let this Host in: "
                    + firstLine(e));
        }
    }

    /** The driver's settings of every connection to the registry. */
    private static Properties settings() {
        Properties settings = new Properties();
        // logins wait on the registry: a Host that cannot reach it says so in seconds, not minutes
        settings.setProperty("connectTimeout", "5");
        settings.setProperty("socketTimeout", "30");
        settings.setProperty("ApplicationName", "ferry-host");
        return settings;
    }

    @Override
    boolean sharedByHosts() {
        return true;
    }

    @Override
    String describe() {
        return parts.describe();
    }

    @Override
    int tries() {
        return TRIES;
    }

    @Override
    boolean worthAnotherTry(SQLException e) {
        return conflict(e) || lost(e);
    }

    @Override
    boolean mayRetryChange(SQLException e) {
        // a conflict rolled the transaction back; a connection lost mid-commit may have committed it
        return conflict(e);
    }

    @Override
    FerryException failure(SQLException e, boolean change) {
        if (lost(e)) {
            return new FerryException(FerryException.Kind.UNAVAILABLE, "the registry database " + describe()
                    + " does not answer (" + firstLine(e) + "): check that PostgreSQL runs there and that this Host "
                    + "reaches it", e);
        }
        return super.failure(e, change);
    }

    /** Another transaction won: a serialization failure or a deadlock, rolled back whole. */
    private static boolean conflict(SQLException e) {
        return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }

    /** The connection or the server went away (SQLSTATE class 08, or the server shutting down: 57P0x). */
    private static boolean lost(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("57P0"));
    }
}

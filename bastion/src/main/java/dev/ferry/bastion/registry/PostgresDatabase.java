package dev.ferry.bastion.registry;

import com.zaxxer.hikari.HikariConfig;
import dev.ferry.bastion.FerryException;
import java.sql.SQLException;

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
        // logins wait on the registry: a Host that cannot reach it says so in seconds, not minutes
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("ApplicationName", "ferry-host");
        try {
            return new PostgresDatabase(config, parts);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot open the registry " + parts.describe() + ": "
                    + firstLine(cause), e);
        }
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

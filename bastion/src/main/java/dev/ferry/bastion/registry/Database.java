package dev.ferry.bastion.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.bastion.FerryException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * The registry's database: a HikariCP pool over the embedded H2 file ({@link H2Database}) or a PostgreSQL server
 * ({@link PostgresDatabase}), and what each one's failures mean. The registry's SQL is the same for both.
 */
abstract class Database implements AutoCloseable {
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Connections the registry may hold at once: logins, heartbeats and API calls, each a short query. */
    static final int MAX_CONNECTIONS = 16;

    private final HikariDataSource pool;

    Database(HikariConfig config) {
        config.setMaximumPoolSize(MAX_CONNECTIONS);
        config.setMinimumIdle(1);
        config.setAutoCommit(true);
        this.pool = new HikariDataSource(config);
    }

    DataSource dataSource() {
        return pool;
    }

    HikariDataSource pool() {
        return pool;
    }

    /** How logs and messages name it: the H2 file, or the server and database (never a password). */
    abstract String describe();

    /**
     * Runs work on a connection of the pool, again (on another connection, 50, 100, ... ms later) when the
     * database says the failure is worth another try and {@code again} allows it.
     *
     * @param again whether this failure is worth another try: reads always are; a change that may have been made
     *              is not
     */
    final <T> T run(Work<T> work, Predicate<SQLException> again) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                return work.run(c);
            } catch (SQLException e) {
                if (pool.isClosed() || !worthAnotherTry(e) || attempt == tries() || !again.test(e)) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    /** Whether a failure says the database may serve the work on another try (and makes ready for it). */
    abstract boolean worthAnotherTry(SQLException e);

    /** How many times one piece of work is tried at most. */
    abstract int tries();

    /** Whether several Hosts may use this database at once (PostgreSQL; an H2 file is locked by its one Host). */
    abstract boolean sharedByHosts();

    /** Throws a refusal with a sentence when a change cannot be stored now (the H2 file's disk is full). */
    void requireRoom() {
    }

    /**
     * The exception for a failure the registry cannot get past.
     *
     * @param change whether the work was a change, which a full disk refuses with its sentence
     */
    FerryException failure(SQLException e, boolean change) {
        return new FerryException(FerryException.Kind.INTERNAL, "registry error: " + e.getMessage(), e);
    }

    /** A failed change that committed nothing and is worth another try. */
    boolean mayRetryChange(SQLException e) {
        return true;
    }

    private static void pause(int attempt) throws SQLException {
        try {
            Thread.sleep(50L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the registry", e);
        }
    }

    static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        pool.close();
    }
}

package dev.ferry.bastion.registry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's H2 connection pool, replaced by a new one when H2 has closed the database. H2's MVStore closes
 * the database on a write that fails (a full disk: "The database has been closed"), and every connection the pool
 * kept is dead from then on; a new connection opens the file again, with what was committed before (measured
 * with H2 2.5: the file reopens and reads even while the disk is still full).
 */
final class RenewablePool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RenewablePool.class);

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Tries of one piece of work while the database closes and reopens (50, 100, ... ms apart: 750 ms in all). */
    private static final int TRIES = 6;

    private final String url;
    private final int maxConnections;
    private volatile JdbcConnectionPool pool;
    private volatile boolean closed;

    RenewablePool(String url, int maxConnections) {
        this.url = url;
        this.maxConnections = maxConnections;
        this.pool = create();
    }

    private JdbcConnectionPool create() {
        JdbcConnectionPool p = JdbcConnectionPool.create(url, "ferry", "");
        p.setMaxConnections(maxConnections);
        return p;
    }

    /**
     * Runs work on a connection. When H2 closed the database under it (a store failure, or the closed database
     * one leaves), the pool is renewed, and the work runs again on a connection of the new one when {@code again}
     * allows it: work that met a closed database committed nothing. The database reopens only once the closing
     * instance has let go of the file ("already in use" meanwhile), so a few tries, some milliseconds apart.
     *
     * @param again whether this failure is worth another try (reads always are; a write that failed for want of
     *              space is not, it would only close the database again)
     */
    <T> T run(Work<T> work, Predicate<SQLException> again) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            JdbcConnectionPool used = pool;
            try (Connection c = used.getConnection()) {
                return work.run(c);
            } catch (SQLException e) {
                boolean lost = storeFailed(e) || closedDatabase(e);
                if (closed || !(lost || reopening(e))) {
                    throw e;
                }
                if (lost) {
                    renew(used, e);
                }
                if (attempt == TRIES || !again.test(e)) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) throws SQLException {
        try {
            Thread.sleep(50L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while the registry reopened", e);
        }
    }

    /** The database is still held by the instance H2 is closing: opening it again fails until that is done. */
    private static boolean reopening(SQLException e) {
        return e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1;
    }

    /** Replaces the pool that met a closed database, unless another thread has replaced it already. */
    private synchronized void renew(JdbcConnectionPool broken, SQLException why) {
        if (pool != broken || closed) {
            return;
        }
        log.warn("registry: H2 closed the database ({}); opening it again", firstLine(why));
        pool = create();
        broken.dispose(); // its idle connections are dead; the ones in use close when they are given back
    }

    /** Whether H2's store failed (an I/O error on a write, this work's or another's): it closes the database. */
    private static boolean storeFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MVStoreException) {
                return true;
            }
        }
        return false;
    }

    private static boolean closedDatabase(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED
                    || s.getErrorCode() == ErrorCode.DATABASE_CALLED_AT_SHUTDOWN)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public synchronized void close() {
        closed = true;
        pool.dispose();
    }
}

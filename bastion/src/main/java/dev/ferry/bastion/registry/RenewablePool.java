package dev.ferry.bastion.registry;

import java.sql.Connection;
import java.sql.SQLException;
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
     * Runs work on a connection. When the database turns out to have been closed by another's failed write, the work
     * runs once more on a connection of a new pool: work that met a closed database committed nothing. When its own
     * write failed (the store gave up, which closes the database), the pool is renewed for the next caller and the
     * failure goes up: on a full disk, the same write would only fail again.
     */
    <T> T run(Work<T> work) throws SQLException {
        JdbcConnectionPool used = pool;
        try (Connection c = used.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            boolean storeFailed = storeFailed(e);
            if (closed || !(storeFailed || closedDatabase(e))) {
                throw e;
            }
            renew(used, e);
            if (storeFailed) {
                throw e;
            }
        }
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        }
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

    /** Whether H2's store failed in this work (an I/O error on a write), which closes the database. */
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

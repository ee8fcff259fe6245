package dev.ferry.bastion.registry;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.metrics.Metrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** The few JDBC shapes the registry needs, with SQL failures turned into one exception type. */
final class Sql {
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    interface Work<T> extends Database.Work<T> {
    }

    private final Database db;

    /** Timestamps are stored with their offset, always UTC. */
    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    Sql(Database db) {
        this.db = db;
    }

    <T> List<T> query(String sql, Binder binder, Row<T> row) {
        long start = System.nanoTime();
        try {
            return db.run(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    binder.bind(ps);
                    try (ResultSet rs = ps.executeQuery()) {
                        List<T> out = new ArrayList<>();
                        while (rs.next()) {
                            out.add(row.map(rs));
                        }
                        return out;
                    }
                }
            }, e -> true);
        } catch (SQLException e) {
            throw failure(e, false);
        } finally {
            Metrics.REGISTRY_CALLS.labelValues("query").observe((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Runs one INSERT on its own (no transaction around it), false when a unique key holds such a row already:
     * another Host was first. A change: refused like any other when the database cannot store it now.
     */
    boolean insertIfAbsent(String sql, Binder binder) {
        db.requireRoom();
        try {
            return db.run(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    binder.bind(ps);
                    ps.executeUpdate();
                    return true;
                } catch (SQLException e) {
                    if ("23505".equals(e.getSQLState())) {
                        return false;
                    }
                    throw e;
                }
            }, db::mayRetryChange);
        } catch (SQLException e) {
            throw failure(e, true);
        }
    }

    /**
     * Runs work in one transaction: committed when it returns, rolled back when it throws (and run again when the
     * database says it committed nothing and is worth another try). A change is refused with a sentence when the
     * database cannot store it now (the H2 file's disk is full).
     */
    <T> T transaction(Work<T> work) {
        db.requireRoom();
        long start = System.nanoTime();
        try {
            return db.run(c -> {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback(c, e);
                    throw e;
                }
            }, db::mayRetryChange);
        } catch (SQLException e) {
            throw failure(e, true);
        } finally {
            Metrics.REGISTRY_CALLS.labelValues("transaction").observe((System.nanoTime() - start) / 1e9);
        }
    }

    /** A rollback that fails (the database closed under it) must not hide why the work failed. */
    private static void rollback(Connection c, Exception why) {
        try {
            c.rollback();
        } catch (SQLException e) {
            why.addSuppressed(e);
        }
    }

    /** @param change whether the work was a change, which a full disk refuses with its sentence */
    private FerryException failure(SQLException e, boolean change) {
        return db.failure(e, change);
    }
}

package dev.ferry.bastion.registry;

import dev.ferry.bastion.FerryException;
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

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final RenewablePool pool;
    private final DiskSpace space;

    /** Timestamps are stored with their offset, always UTC. */
    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    Sql(RenewablePool pool, DiskSpace space) {
        this.pool = pool;
        this.space = space;
    }

    <T> List<T> query(String sql, Binder binder, Row<T> row) {
        try {
            return pool.run(c -> {
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
        }
    }

    /**
     * Runs work in one transaction: committed when it returns, rolled back when it throws. A change is refused
     * with a sentence when the data directory's disk has no room for it.
     */
    <T> T transaction(Work<T> work) {
        space.requireRoom();
        try {
            return pool.run(c -> {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback(c, e);
                    throw e;
                }
            }, e -> !DiskSpace.isNoSpace(e));
        } catch (SQLException e) {
            throw failure(e, true);
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
        if (change && DiskSpace.isNoSpace(e)) {
            return space.full(e);
        }
        return new FerryException(FerryException.Kind.INTERNAL, "registry error: " + e.getMessage(), e);
    }
}

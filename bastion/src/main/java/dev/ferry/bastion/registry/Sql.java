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
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The few JDBC shapes the registry needs, with SQL failures turned into one exception type. A statement's
 * parameters are said in code, in their order ({@link #bind}); nothing is counted from the SQL text.
 */
final class Sql {
    interface Work<T> extends Database.Work<T> {
    }

    private static final String UNIQUE_VIOLATION = "23505";
    /** PostgreSQL's foreign_key_violation; H2 says 23506 when the row named is missing. */
    private static final Set<String> FOREIGN_KEY_VIOLATION = Set.of("23503", "23506");
    /** Ids per IN list: far below any driver's limit on parameters. */
    private static final int IDS_PER_QUERY = 500;

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

    /** Whether the database refused a row because a unique key holds one like it already. */
    static boolean uniqueViolation(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    /** A row that names another row that is not there. */
    static boolean foreignKeyViolation(SQLException e) {
        return FOREIGN_KEY_VIOLATION.contains(e.getSQLState());
    }

    /** Sets {@code params} in order, each as itself but an {@link Instant}, which is stored as {@link #utc}. */
    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i] instanceof Instant t ? utc(t) : params[i]);
        }
    }

    /** Runs one INSERT, UPDATE or DELETE in the transaction of {@code c}: how many rows it changed. */
    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    /** Runs one SELECT in the transaction of {@code c} (where a FOR UPDATE holds its rows until it ends). */
    static <T> List<T> query(Connection c, String sql, Statements.Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(row.map(rs));
                }
                return out;
            }
        }
    }

    /** Runs one statement for each of {@code rows} (its parameters) in one batch. */
    static void batch(Connection c, String sql, List<Object[]> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] params : rows) {
                bind(ps, params);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Calls {@code query} with "?, ?, ..." and the ids for each chunk of at most {@link #IDS_PER_QUERY}. */
    static void inChunks(Collection<Long> ids, BiConsumer<String, Object[]> query) {
        List<Long> all = List.copyOf(new HashSet<>(ids));
        for (int i = 0; i < all.size(); i += IDS_PER_QUERY) {
            List<Long> chunk = all.subList(i, Math.min(all.size(), i + IDS_PER_QUERY));
            query.accept(String.join(", ", Collections.nCopies(chunk.size(), "?")), chunk.toArray());
        }
    }

    /** Runs one SELECT on its own. */
    <T> List<T> query(String sql, Statements.Row<T> row, Object... params) {
        long start = System.nanoTime();
        try {
            return db.run(c -> query(c, sql, row, params), e -> true);
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
    boolean insertIfAbsent(String sql, Object... params) {
        db.requireRoom();
        try {
            return db.run(c -> {
                try {
                    update(c, sql, params);
                    return true;
                } catch (SQLException e) {
                    if (uniqueViolation(e)) {
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

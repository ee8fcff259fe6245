package dev.ferry.bastion.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The registry's database for what keeps tables of its own in the registry's schema outside this package: the
 * several Hosts' leases, instance claims and sealed secrets ({@code dev.ferry.bastion.several}). Statements with
 * their parameters in order (an {@link Instant} is stored as UTC), run alone or in one transaction, with the
 * registry's retries and its sentences for what fails; no connection is handed out.
 */
public final class Statements {
    /** Reads one row of a result. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** What one transaction does: committed when it returns, rolled back when it throws. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Transaction tx) throws SQLException;
    }

    /** The statements of one open transaction. */
    public static final class Transaction {
        private final Connection c;

        private Transaction(Connection c) {
            this.c = c;
        }

        /** Runs one INSERT, UPDATE or DELETE: how many rows it changed. */
        public int update(String sql, Object... params) throws SQLException {
            return Sql.update(c, sql, params);
        }

        /** Runs one SELECT (a FOR UPDATE holds its rows until the transaction ends). */
        public <T> List<T> query(String sql, Row<T> row, Object... params) throws SQLException {
            return Sql.query(c, sql, row, params);
        }
    }

    private final Sql sql;

    Statements(Sql sql) {
        this.sql = sql;
    }

    /** Runs one SELECT on its own. */
    public <T> List<T> query(String statement, Row<T> row, Object... params) {
        return sql.query(statement, row, params);
    }

    /** Runs one INSERT on its own: false when a unique key holds such a row already (another Host was first). */
    public boolean insertIfAbsent(String statement, Object... params) {
        return sql.insertIfAbsent(statement, params);
    }

    /** Runs {@code work} in one transaction (again when the database says it committed nothing and may). */
    public <T> T transaction(Work<T> work) {
        return sql.transaction(c -> work.run(new Transaction(c)));
    }

    /** The instant stored in {@code column} of the current row. */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        return Sql.instant(rs, column);
    }

    /** Whether the database refused a row because a unique key holds one like it already. */
    public static boolean uniqueViolation(SQLException e) {
        return Sql.uniqueViolation(e);
    }
}

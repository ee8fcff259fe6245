package dev.ferry.bastion.sessions;

import dev.ferry.bastion.registry.Statements;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** The registry's rows of recording files: where each is, and once it closed, its size and SHA-256. */
public final class RecordingStore {
    /**
     * One recording file.
     *
     * @param kind    {@code events} or {@code terminal}
     * @param channel the terminal's channel, null for the events
     * @param sha256  of the file as stored, null while it is written or when its Host stopped before it closed
     * @param dropped    bytes left out because the writer fell too far behind, null while open
     * @param archivedAt when it was stored in the object store ({@code recordings_url}); null while it is on its
     *                   Host's disk
     */
    public record File(String session, String name, String kind, Long channel, String vpsId, String holder,
                       Instant openedAt, Instant closedAt, Long bytes, String sha256, Long dropped,
                       Instant archivedAt) {
    }

    private final Statements sql;

    public RecordingStore(Statements sql) {
        this.sql = sql;
    }

    void opened(String session, String name, String kind, Long channel, Long vpsId, String holder, Instant at) {
        sql.transaction(tx -> tx.update("INSERT INTO recording(session_id, name, kind, channel, vps_id, holder, "
                + "opened_at) VALUES (?, ?, ?, ?, ?, ?, ?)", session, name, kind, channel, vpsId, holder, at));
    }

    void closed(String session, String name, long bytes, String sha256, long dropped, Instant at) {
        sql.transaction(tx -> tx.update("UPDATE recording SET closed_at = ?, bytes = ?, sha256 = ?, dropped = ? "
                + "WHERE session_id = ? AND name = ?", at, bytes, sha256, dropped, session, name));
    }

    /** Recording {@code name} is in the object store now, no longer on its Host's disk. */
    void archived(String session, String name, Instant at) {
        sql.transaction(tx -> tx.update("UPDATE recording SET archived_at = ? WHERE session_id = ? AND name = ?", at,
                session, name));
    }

    /** The files {@code holder} wrote before {@code before} that are not in the object store yet. */
    List<File> notArchived(String holder, Instant before) {
        return sql.query("SELECT * FROM recording WHERE holder = ? AND archived_at IS NULL AND opened_at < ? "
                + "ORDER BY opened_at", RecordingStore::file, holder, before);
    }

    /** Up to {@code limit} files in the object store that were opened before {@code before}, the oldest first. */
    List<File> archivedBefore(Instant before, int limit) {
        return sql.query("SELECT * FROM recording WHERE archived_at IS NOT NULL AND opened_at < ? ORDER BY opened_at "
                + "FETCH FIRST " + limit + " ROWS ONLY", RecordingStore::file, before);
    }

    /** Forgets session {@code id}'s files on its Host's disk: they were deleted (retention). */
    void forget(String session) {
        sql.transaction(tx -> tx.update("DELETE FROM recording WHERE session_id = ? AND archived_at IS NULL",
                session));
    }

    /** Forgets one file: it was deleted from the object store (retention). */
    void forget(String session, String name) {
        sql.transaction(tx -> tx.update("DELETE FROM recording WHERE session_id = ? AND name = ?", session, name));
    }

    /** The files of session {@code id}, the events first. */
    public List<File> of(String session) {
        return sql.query("SELECT * FROM recording WHERE session_id = ? ORDER BY channel NULLS FIRST, name",
                RecordingStore::file, session);
    }

    private static File file(ResultSet rs) throws SQLException {
        long channel = rs.getLong("channel");
        Long ch = rs.wasNull() ? null : channel;
        long vps = rs.getLong("vps_id");
        String vpsId = rs.wasNull() ? null : Long.toString(vps);
        long bytes = rs.getLong("bytes");
        Long b = rs.wasNull() ? null : bytes;
        long dropped = rs.getLong("dropped");
        Long d = rs.wasNull() ? null : dropped;
        Instant closed = rs.getObject("closed_at") == null ? null : Statements.instant(rs, "closed_at");
        Instant archived = rs.getObject("archived_at") == null ? null : Statements.instant(rs, "archived_at");
        return new File(rs.getString("session_id"), rs.getString("name"), rs.getString("kind"), ch, vpsId,
                rs.getString("holder"), Statements.instant(rs, "opened_at"), closed, b, rs.getString("sha256"), d,
                archived);
    }
}

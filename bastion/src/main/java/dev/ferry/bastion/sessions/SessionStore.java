package dev.ferry.bastion.sessions;

import dev.ferry.bastion.registry.Statements;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The live sessions of every Host of a registry, in its tables: each Host writes its own, reads the others', and asks
 * another Host to end one of its sessions through a row. Also the blocks of session numbers the Hosts take.
 */
public final class SessionStore {
    /** The id_block row of session numbers. */
    private static final String SESSION_NUMBERS = "session";
    private static final String COLUMNS = "s.id, s.holder, s.view_json, s.updated_at";
    /** A live Host's claim is fresh: its rows are listed; a gone Host's are not. */
    private static final String FRESH = " JOIN host_instance h ON h.instance_id = s.instance_id AND h.holder = s.holder"
            + " AND h.seen_at >= ?";

    /**
     * A session as its Host last wrote it.
     *
     * @param view the session as {@code dev.ferry.api.SessionView} JSON
     */
    public record Row(String id, String holder, String view, Instant updatedAt) {
    }

    /** A session to end, as another Host asked. */
    public record Kill(String id, String by, String reason) {
    }

    /** What a Host writes of one of its sessions. */
    public record Written(String id, Long vpsId, Instant startedAt, String view) {
    }

    private final Statements sql;
    private final Clock clock;

    /** Over the registry's database ({@code JdbcRegistry.statements()}). */
    public SessionStore(Statements sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    /** Takes {@code count} session numbers no other Host and no other start of this one gets: the first of them. */
    public long takeNumbers(int count) {
        while (true) {
            Long first = sql.transaction(tx -> {
                List<Long> next = tx.query("SELECT next_id FROM id_block WHERE name = ? FOR UPDATE",
                        rs -> rs.getLong(1), SESSION_NUMBERS);
                if (next.isEmpty()) {
                    return null;
                }
                tx.update("UPDATE id_block SET next_id = ? WHERE name = ?", next.get(0) + count, SESSION_NUMBERS);
                return next.get(0);
            });
            if (first != null) {
                return first;
            }
            sql.insertIfAbsent("INSERT INTO id_block(name, next_id) VALUES (?, 1)", SESSION_NUMBERS);
        }
    }

    /**
     * Writes this Host's sessions: new and changed ones, and the ended ones gone.
     *
     * @param holder   this Host, as its instance claim names it
     * @param instance its snowflake instance id
     */
    public void publish(int instance, String holder, Collection<Written> sessions, Collection<String> ended) {
        Instant now = clock.instant();
        sql.transaction(tx -> {
            for (String id : ended) {
                tx.update("DELETE FROM live_session WHERE id = ? AND holder = ?", id, holder);
            }
            for (Written w : sessions) {
                if (tx.update("UPDATE live_session SET view_json = ?, updated_at = ? WHERE id = ? AND holder = ?",
                        w.view(), now, w.id(), holder) == 0) {
                    tx.update("INSERT INTO live_session(id, instance_id, holder, vps_id, started_at, view_json, "
                            + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", w.id(), instance, holder, w.vpsId(),
                            w.startedAt(), w.view(), now);
                }
            }
            return null;
        });
    }

    /** Forgets every session {@code holder} wrote (this Host starting again: its old sessions died with it). */
    public void forget(String holder) {
        sql.transaction(tx -> tx.update("DELETE FROM live_session WHERE holder = ?", holder));
    }

    /** The sessions of every Host whose claim is fresher than {@code stale}, by id. */
    public List<Row> live(Duration stale) {
        return sql.query("SELECT " + COLUMNS + " FROM live_session s" + FRESH + " ORDER BY s.started_at, s.id",
                SessionStore::row, clock.instant().minus(stale));
    }

    /** Session {@code id} if a live Host holds it. */
    public Optional<Row> get(String id, Duration stale) {
        return sql.query("SELECT " + COLUMNS + " FROM live_session s" + FRESH + " WHERE s.id = ?", SessionStore::row,
                clock.instant().minus(stale), id).stream().findFirst();
    }

    /** Asks the Host holding session {@code id} to end it; false when no Host holds it. */
    public boolean askKill(String id, String by, String reason) {
        return sql.transaction(tx -> tx.update("UPDATE live_session SET kill_by = ?, kill_reason = ? WHERE id = ?", by,
                reason, id)) == 1;
    }

    /** The kills other Hosts asked of {@code holder}'s sessions. */
    public List<Kill> kills(String holder) {
        return sql.query("SELECT id, kill_by, kill_reason FROM live_session WHERE holder = ? AND kill_by IS NOT NULL",
                rs -> new Kill(rs.getString(1), rs.getString(2), rs.getString(3)), holder);
    }

    /** Someone watches session {@code id} until {@code until}: its Host streams its terminals meanwhile. */
    public boolean watch(String id, Instant until) {
        return sql.transaction(tx -> tx.update("UPDATE live_session SET watched_until = ? WHERE id = ?", until,
                id)) == 1;
    }

    /** Which of {@code holder}'s sessions someone watches now. */
    public Set<String> watched(String holder) {
        return Set.copyOf(sql.query("SELECT id FROM live_session WHERE holder = ? AND watched_until > ?",
                rs -> rs.getString(1), holder, clock.instant()));
    }

    /** What a watched session showed, written by its Host: event lines after sequence number {@code seq}. */
    public record Shown(long seq, String lines) {
    }

    void show(String id, long seq, String lines) {
        sql.transaction(tx -> tx.update("INSERT INTO session_stream(session_id, seq, written_at, lines) "
                + "VALUES (?, ?, ?, ?)", id, seq, clock.instant(), lines));
    }

    /** What session {@code id} showed after {@code seq}, in order. */
    public List<Shown> shownAfter(String id, long seq) {
        return sql.query("SELECT seq, lines FROM session_stream WHERE session_id = ? AND seq > ? ORDER BY seq",
                rs -> new Shown(rs.getLong(1), rs.getString(2)), id, seq);
    }

    /** Forgets what watched sessions showed before {@code before}. */
    void forgetShown(Instant before) {
        sql.transaction(tx -> tx.update("DELETE FROM session_stream WHERE written_at < ?", before));
    }

    /** Deletes the rows of Hosts whose claims are older than {@code stale}: they are gone, with their sessions. */
    public int forgetGone(Duration stale) {
        return sql.transaction(tx -> tx.update("DELETE FROM live_session WHERE NOT EXISTS (SELECT 1 FROM "
                + "host_instance h WHERE h.instance_id = live_session.instance_id AND h.holder = live_session.holder"
                + " AND h.seen_at >= ?)", clock.instant().minus(stale)));
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("holder"), rs.getString("view_json"),
                Statements.instant(rs, "updated_at"));
    }
}

package dev.ferry.bastion.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.api.Json;
import dev.ferry.api.SessionView;
import dev.ferry.bastion.DaemonThreads;
import dev.ferry.bastion.FerryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's live sessions: this Host's own as its SSH server holds them now, and the other Hosts' as they last wrote
 * them to the registry. Every second this Host writes what changed of its own (new and ended sessions at once, changed
 * figures every {@link #REWRITE} at most) and ends the sessions another Host was asked to kill. Its one thread talks
 * to the registry, which may wait: never an I/O thread.
 */
public final class SessionBoard implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SessionBoard.class);
    static final Duration TICK = Duration.ofSeconds(1);
    /** A session whose figures changed is written again after this long, not at every change. */
    static final Duration REWRITE = Duration.ofSeconds(5);
    /** How long a kill asked of another Host is waited for before the answer says it was only asked. */
    static final Duration KILL_WAIT = Duration.ofSeconds(5);
    /** The longest session written: channels are left out (and counted) to fit. */
    static final int MAX_VIEW_CHARS = 60_000;
    /** How often the rows of Hosts that are gone are deleted. */
    private static final int FORGET_GONE_EVERY_TICKS = 60;
    private static final ObjectWriter COMPACT = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    /** How often what watched sessions show is written for their watchers. */
    static final Duration FEED = Duration.ofMillis(200);
    /** How long one watch call waits for something to show. */
    static final Duration WATCH_WAIT = Duration.ofSeconds(3);
    /** How long a watch call keeps its session watched: the watcher calls again well within it. */
    static final Duration WATCH_HOLD = Duration.ofSeconds(15);
    /** What watched sessions showed is kept this long for their watchers. */
    static final Duration SHOWN_KEPT = Duration.ofMinutes(1);
    /** The most characters one row of what a session showed holds. */
    static final int MAX_SHOWN_CHARS = 60_000;

    /** What a watcher gets from one call: event lines, where to go on from, whether the session is still live. */
    public record Watched(String lines, long next, boolean live) {
    }

    /** What ending a session did. */
    public record Ended(String id, String host, boolean ended) {
    }

    /** What was written of a session (its figures, without the time they were taken) and when. */
    private record Published(SessionView figures, Instant at) {
    }

    private final SessionStore store;
    private final LocalSessions local;
    private final int instance;
    private final String holder;
    private final Duration stale;
    private final Clock clock;
    /** What was last written of each of this Host's sessions; only the board's thread touches it. */
    private final Map<String, Published> published = new HashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("ferry-session-board"));
    private final WatchFeed feed;
    private int ticks;
    private long shownSeq;

    /**
     * @param holder this Host, as its instance claim in the registry names it
     * @param stale  how old another Host's claim may be for its sessions to be listed
     */
    public SessionBoard(SessionStore store, LocalSessions local, WatchFeed feed, int instance, String holder,
                        Duration stale, Clock clock) {
        this.feed = feed;
        this.store = store;
        this.local = local;
        this.instance = instance;
        this.holder = holder;
        this.stale = stale;
        this.clock = clock;
    }

    /** Forgets the sessions of this Host's previous life and starts writing its own. */
    public SessionBoard start() {
        store.forget(holder);
        thread.scheduleWithFixedDelay(this::tickQuietly, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        thread.scheduleWithFixedDelay(this::feedQuietly, FEED.toMillis(), FEED.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Every Host's live sessions, the oldest first. */
    public List<SessionView> list() {
        List<SessionView> all = new ArrayList<>(mine());
        for (SessionStore.Row row : store.live(stale)) {
            if (!row.holder().equals(holder)) {
                all.add(read(row));
            }
        }
        all.sort((a, b) -> a.startedAt().equals(b.startedAt()) ? a.id().compareTo(b.id())
                : a.startedAt().compareTo(b.startedAt()));
        return all;
    }

    /** Session {@code id} on whichever Host holds it. */
    public Optional<SessionView> get(String id) {
        Optional<SessionView> mine = mine().stream().filter(s -> s.id().equals(id)).findFirst();
        if (mine.isPresent()) {
            return mine;
        }
        return store.get(id, stale).filter(r -> !r.holder().equals(holder)).map(SessionBoard::read);
    }

    /**
     * Ends session {@code id} on whichever Host holds it: here at once, on another Host within a tick of its own.
     *
     * @throws FerryException NOT_FOUND when no live Host holds it
     */
    public Ended kill(String id, String reason, String by) {
        if (local.end(id, reason, by)) {
            return new Ended(id, holder, true);
        }
        SessionStore.Row row = store.get(id, stale).filter(r -> !r.holder().equals(holder))
                .orElseThrow(() -> notLive(id));
        if (!store.askKill(id, by, reason)) {
            throw notLive(id);
        }
        Instant until = clock.instant().plus(KILL_WAIT);
        while (clock.instant().isBefore(until)) {
            if (store.get(id, stale).isEmpty()) {
                return new Ended(id, row.holder(), true);
            }
            sleep(100);
        }
        return new Ended(id, row.holder(), false);
    }

    /**
     * What live session {@code id} shows after {@code after}, from whichever Host holds it: keeps it watched, then
     * waits up to {@link #WATCH_WAIT} for something to show.
     *
     * @throws FerryException NOT_FOUND when no live Host holds it
     */
    public Watched watch(String id, long after) {
        if (get(id).isEmpty()) {
            throw notLive(id);
        }
        store.watch(id, clock.instant().plus(WATCH_HOLD));
        Instant until = clock.instant().plus(WATCH_WAIT);
        while (true) {
            List<SessionStore.Shown> shown = store.shownAfter(id, after);
            if (!shown.isEmpty()) {
                StringBuilder lines = new StringBuilder();
                shown.forEach(s -> lines.append(s.lines()));
                return new Watched(lines.toString(), shown.get(shown.size() - 1).seq(), true);
            }
            if (!clock.instant().isBefore(until)) {
                return new Watched("", after, store.get(id, stale).isPresent() || get(id).isPresent());
            }
            sleep(100);
        }
    }

    /** Writes what the watched sessions showed since the last round, for their watchers on any Host. */
    private void feedQuietly() {
        try {
            for (Map.Entry<String, List<String>> e : feed.take().entrySet()) {
                StringBuilder row = new StringBuilder();
                for (String line : e.getValue()) {
                    if (row.length() > 0 && row.length() + line.length() > MAX_SHOWN_CHARS) {
                        store.show(e.getKey(), nextSeq(), row.toString());
                        row.setLength(0);
                    }
                    row.append(line);
                }
                store.show(e.getKey(), nextSeq(), row.toString());
            }
        } catch (RuntimeException e) {
            log.warn("writing what watched sessions show failed: {}", e.toString());
        }
    }

    /** Increasing across this Host's restarts: a watcher never takes a new row for one it has seen. */
    private long nextSeq() {
        shownSeq = Math.max(shownSeq + 1, clock.instant().toEpochMilli() * 1000);
        return shownSeq;
    }

    private static FerryException notLive(String id) {
        return FerryException.notFound("no live session " + id + " (it ended, or it never was): ferry sessions list "
                + "shows the live ones");
    }

    private List<SessionView> mine() {
        return local.views().stream().map(v -> v.withHost(holder)).toList();
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            // the registry may be away for a moment: the next tick writes what this one could not
            log.warn("writing the live sessions to the registry failed: {}", e.toString());
        }
    }

    /** One round: ends what other Hosts asked to end, then writes what changed. */
    void tick() {
        Set<String> gone = new HashSet<>();
        for (SessionStore.Kill k : store.kills(holder)) {
            if (!local.end(k.id(), k.reason() == null ? "" : k.reason(), k.by())) {
                gone.add(k.id()); // it had ended already: the row goes
            }
        }
        Instant now = clock.instant();
        List<SessionStore.Written> written = new ArrayList<>();
        Map<String, Published> next = new HashMap<>();
        for (SessionView v : mine()) {
            SessionView figures = v.withUpdatedAt(null);
            Published last = published.get(v.id());
            // records compare by value: no JSON is made for a session that is not written
            if (last != null && (last.at().plus(REWRITE).isAfter(now) || last.figures().equals(figures))) {
                next.put(v.id(), last);
                continue;
            }
            written.add(new SessionStore.Written(v.id(), v.vpsId() == null ? null : Long.parseLong(v.vpsId()),
                    Instant.parse(v.startedAt()), fitted(v)));
            next.put(v.id(), new Published(figures, now));
        }
        for (String id : published.keySet()) {
            if (!next.containsKey(id)) {
                gone.add(id);
            }
        }
        if (!written.isEmpty() || !gone.isEmpty()) {
            store.publish(instance, holder, written, gone);
        }
        published.clear();
        published.putAll(next);
        feed.watched(store.watched(holder));
        if (++ticks % 10 == 0) {
            store.forgetShown(clock.instant().minus(SHOWN_KEPT));
        }
        if (ticks % FORGET_GONE_EVERY_TICKS == 0) {
            int forgotten = store.forgetGone(stale);
            if (forgotten > 0) {
                log.info("forgot {} live session(s) of Hosts that are gone", forgotten);
            }
        }
    }

    /** The view as JSON that fits its column: the newest channels are left out (and counted) until it does. */
    static String fitted(SessionView v) {
        SessionView cut = v;
        String json = json(cut);
        while (json.length() > MAX_VIEW_CHARS && !cut.channels().isEmpty()) {
            cut = cut.withFirstChannels(cut.channels().size() / 2);
            json = json(cut);
        }
        return json;
    }

    private static String json(SessionView v) {
        try {
            return COMPACT.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a session as JSON", e);
        }
    }

    private static SessionView read(SessionStore.Row row) {
        try {
            return Json.MAPPER.readValue(row.view(), SessionView.class).withUpdatedAt(row.updatedAt().toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("session " + row.id() + " in the registry is not readable: "
                    + e.getOriginalMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "interrupted while waiting for a session to end");
        }
    }

    /** Stops writing and deletes this Host's rows (its sessions end with it); a Host killed leaves them to go stale. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            store.forget(holder);
        } catch (RuntimeException e) {
            log.warn("could not delete this Host's live sessions from the registry (they go when its claim goes "
                    + "stale): {}", e.toString());
        }
    }
}

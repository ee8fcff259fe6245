package dev.ferry.bastion.sessions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this Host's watched sessions show, on its way to their watchers: the recorders offer each terminal event of a
 * session someone watches, and the board takes what gathered a few times a second. At most {@link #MAX_CHARS} wait per
 * session (a watcher that cannot keep up misses the oldest); sessions nobody watches cost nothing.
 */
public final class WatchFeed {
    static final int MAX_CHARS = 256 << 10;

    private volatile Set<String> watched = Set.of();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private static final class Pending {
        final Deque<String> lines = new ArrayDeque<>();
        int chars;
    }

    /** The sessions someone watches now (the board says, every second). */
    void watched(Set<String> ids) {
        watched = Set.copyOf(ids);
        pending.keySet().retainAll(ids);
    }

    boolean isWatched(String session) {
        return watched.contains(session);
    }

    /** A terminal event line ({@code [t, "o", "..."]}) of session {@code session}, if someone watches it. */
    void offer(String session, String line) {
        if (!watched.contains(session)) {
            return;
        }
        Pending p = pending.computeIfAbsent(session, s -> new Pending());
        synchronized (p) {
            p.lines.addLast(line);
            p.chars += line.length();
            while (p.chars > MAX_CHARS && p.lines.size() > 1) {
                p.chars -= p.lines.removeFirst().length();
            }
        }
    }

    /** What gathered, by session, and forgets it. */
    Map<String, List<String>> take() {
        Map<String, List<String>> taken = new LinkedHashMap<>();
        for (Map.Entry<String, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            synchronized (p) {
                if (!p.lines.isEmpty()) {
                    taken.put(e.getKey(), new ArrayList<>(p.lines));
                    p.lines.clear();
                    p.chars = 0;
                }
            }
        }
        return taken;
    }
}

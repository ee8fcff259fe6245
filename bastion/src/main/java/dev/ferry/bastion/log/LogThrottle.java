package dev.ferry.bastion.log;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most one log line per key (a source address) per window for events an attacker can repeat at will
 * (connections refused by the limits): a flood cannot fill the disk or bury other lines. The line that is
 * written says how many were left out since the last one. Keys are bounded: past {@link #MAX_KEYS} at once,
 * new ones share one line.
 */
public final class LogThrottle {
    static final int MAX_KEYS = 4096;
    private static final String OTHERS = "(other sources)";

    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** What one key has seen since its last line: when that line was written, and how many were left out. */
    private static final class Window {
        final long start;
        int suppressed;

        Window(long start) {
            this.start = start;
        }
    }

    public LogThrottle(Duration window) {
        this(window, System::nanoTime);
    }

    LogThrottle(Duration window, LongSupplier nanoClock) {
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Whether the event for {@code key} is logged now: -1 when it is not (it is counted), otherwise how many
     * events of this key were left out since its last line.
     */
    public int admit(String key) {
        long now = nanoClock.getAsLong();
        if (windows.size() >= MAX_KEYS && !windows.containsKey(key)) {
            windows.values().removeIf(w -> now - w.start >= windowNanos);
            if (windows.size() >= MAX_KEYS) {
                key = OTHERS;
            }
        }
        int[] result = {-1};
        windows.compute(key, (k, w) -> {
            if (w == null || now - w.start >= windowNanos) {
                result[0] = w == null ? 0 : w.suppressed;
                return new Window(now);
            }
            w.suppressed++;
            return w;
        });
        return result[0];
    }

    /** " (N more like it not logged since the last line)", or nothing when none were left out. */
    public String more(int suppressed) {
        return suppressed <= 0 ? "" : " (" + suppressed + " more like it not logged since the last line)";
    }
}

package dev.ferry.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for a condition that other threads or processes bring about, instead of sleeping for a guessed time: it is
 * checked every 50 ms, and the test fails with what was awaited once the time is up.
 */
public final class Await {
    private static final long POLL_MILLIS = 50;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails the test if it does not within {@code within}. */
    public static void until(String awaited, Duration within, BooleanSupplier condition) {
        value(awaited, within, condition::getAsBoolean, Boolean::booleanValue);
    }

    /**
     * Returns the first value of {@code next} that {@code done} accepts; fails the test, showing the last value, if
     * none does within {@code within}.
     */
    public static <T> T value(String awaited, Duration within, Supplier<T> next, Predicate<? super T> done) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            T now = next.get();
            if (done.test(now)) {
                return now;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + within.toSeconds() + " s: " + awaited + " (last: " + now + ")");
            }
            sleep(POLL_MILLIS);
        }
    }

    /** Sleeps, turning an interrupt into a test failure (and keeping the thread's interrupt status). */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

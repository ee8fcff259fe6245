package dev.ferry.bastion;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What is held, counted per key and in all (connections per source, sessions per key): a key whose count falls to
 * nothing is forgotten, so the map holds only keys holding something. Safe from any thread; each {@link #add} is
 * matched by one {@link #remove} of its caller's.
 */
public final class Tally<K> {
    private final Map<K, Integer> byKey = new ConcurrentHashMap<>();
    private final AtomicInteger all = new AtomicInteger();

    /** Counts one more for {@code key}; returns how many it holds now. */
    public int add(K key) {
        all.incrementAndGet();
        return byKey.merge(key, 1, Integer::sum);
    }

    /** Counts one fewer for {@code key}. */
    public void remove(K key) {
        all.decrementAndGet();
        byKey.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** How many {@code key} holds. */
    public int of(K key) {
        return byKey.getOrDefault(key, 0);
    }

    /** How many are held in all. */
    public int total() {
        return all.get();
    }
}

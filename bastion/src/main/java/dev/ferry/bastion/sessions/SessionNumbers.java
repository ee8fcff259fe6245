package dev.ferry.bastion.sessions;

import java.util.function.LongSupplier;

/**
 * The numbers of this Host's session ids ({@code s<n>}), taken from the registry a block at a time: unique across
 * the Hosts of a registry and across their restarts, so that an id names one session in every log, audit event and
 * recording. One connection in {@link #BLOCK} asks the registry.
 */
public final class SessionNumbers implements LongSupplier {
    static final int BLOCK = 1000;

    private final SessionStore store;
    private long next;
    private long end;

    public SessionNumbers(SessionStore store) {
        this.store = store;
    }

    @Override
    public synchronized long getAsLong() {
        if (next == end) {
            next = store.takeNumbers(BLOCK);
            end = next + BLOCK;
        }
        return next++;
    }
}

package dev.ferry.bastion.vps;

import java.util.function.LongSupplier;

/**
 * 64-bit ids as the system Ferry replaces made them: milliseconds since the Unix epoch &lt;&lt; 22 |
 * instance &lt;&lt; 12 | sequence. Ids from one instance are strictly increasing, even when the clock
 * steps back (the last timestamp is kept until the clock catches up).
 */
public final class Snowflake {
    private static final int MAX_INSTANCE = 1023;
    private static final int MAX_SEQUENCE = 4095;

    private final long instance;
    private final LongSupplier clock;
    private long lastMillis = -1;
    private int sequence;

    public Snowflake(int instance) {
        this(instance, System::currentTimeMillis);
    }

    Snowflake(int instance, LongSupplier clock) {
        if (instance < 0 || instance > MAX_INSTANCE) {
            throw new IllegalArgumentException("instance_id must be between 0 and 1023, got " + instance);
        }
        this.instance = instance;
        this.clock = clock;
    }

    public synchronized long next() {
        long now = Math.max(clock.getAsLong(), lastMillis);
        if (now == lastMillis) {
            sequence++;
            if (sequence > MAX_SEQUENCE) {
                // 4096 ids in one millisecond: borrow the next millisecond rather than repeat an id
                now++;
                sequence = 0;
            }
        } else {
            sequence = 0;
        }
        lastMillis = now;
        return now << 22 | instance << 12 | sequence;
    }
}

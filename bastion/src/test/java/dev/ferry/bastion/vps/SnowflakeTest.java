package dev.ferry.bastion.vps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SnowflakeTest {

    @Test
    void packsMillisInstanceAndSequence() {
        Snowflake ids = new Snowflake(5, () -> 1_790_000_000_000L);
        long first = ids.next();
        long second = ids.next();
        assertEquals(1_790_000_000_000L, first >>> 22);
        assertEquals(5, (first >> 12) & 0x3ff);
        assertEquals(0, first & 0xfff);
        assertEquals(1, second & 0xfff);
        assertEquals(19, Long.toString(first).length());
    }

    @Test
    void staysIncreasingWhenTheClockStepsBack() {
        AtomicLong now = new AtomicLong(1_790_000_000_000L);
        Snowflake ids = new Snowflake(1, now::get);
        long a = ids.next();
        now.addAndGet(-5_000);
        long b = ids.next();
        assertTrue(b > a, "id after a clock step back must still be larger");
    }

    @Test
    void borrowsTheNextMillisecondAfter4096IdsInOne() {
        Snowflake ids = new Snowflake(0, () -> 1_790_000_000_000L);
        long last = 0;
        for (int i = 0; i < 10_000; i++) {
            long id = ids.next();
            assertTrue(id > last);
            last = id;
        }
    }

    @Test
    void refusesAnInstanceOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Snowflake(1024));
        assertTrue(e.getMessage().contains("instance_id"), e.getMessage());
    }
}

package dev.ferry.bastion.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {
    private final AtomicLong now = new AtomicLong();
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);

    private void advance(int seconds) {
        now.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }

    @Test
    void oneLinePerSourcePerWindowSayingHowManyWereLeftOut() {
        assertEquals(0, throttle.admit("10.0.0.1"));
        for (int i = 0; i < 500; i++) {
            assertEquals(-1, throttle.admit("10.0.0.1"));
        }
        assertEquals(0, throttle.admit("10.0.0.2"), "another source has its own line");
        advance(9);
        assertEquals(-1, throttle.admit("10.0.0.1"));
        advance(1);
        int more = throttle.admit("10.0.0.1");
        assertEquals(501, more);
        assertEquals(" (501 more like it not logged since the last line)", throttle.more(more));
        assertEquals("", throttle.more(0));
        advance(10);
        assertEquals(0, throttle.admit("10.0.0.1"));
    }

    @Test
    void aFloodOfThirtySecondsIsALinePerWindowAndTheLinesTellEveryEvent() {
        // what a peer flooding for 30 s causes (HostilePeersTest floods for as long): an event a millisecond
        int lines = 0;
        int told = 0;
        for (int i = 0; i < 30_000; i++) {
            int more = throttle.admit("10.0.0.1");
            if (more >= 0) {
                lines++;
                told += more + 1;
            }
            now.addAndGet(Duration.ofMillis(1).toNanos());
        }
        assertEquals(3, lines, "one line at 0, 10 and 20 s");
        int more = throttle.admit("10.0.0.1");
        assertEquals(9_999, more, "the next event after the flood has a line, telling those left out since 20 s");
        assertEquals(30_001, told + more + 1, "so the lines tell every event");
    }

    @Test
    void manySourcesAtOnceShareOneLineBeyondTheBound() {
        for (int i = 0; i < LogThrottle.MAX_KEYS; i++) {
            assertEquals(0, throttle.admit("s" + i));
        }
        assertEquals(0, throttle.admit("one more"));
        assertEquals(-1, throttle.admit("and another"), "past the bound, new sources share a line");
        advance(10);
        assertEquals(0, throttle.admit("later"), "expired windows make room");
    }
}

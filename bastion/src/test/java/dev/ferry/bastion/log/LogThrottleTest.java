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

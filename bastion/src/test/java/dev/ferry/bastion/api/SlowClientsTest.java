package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight slowloris connections (one byte a second, in the head or in the body) against a real Host while a
 * heartbeat-like loop of authenticated requests keeps going: the loop must never wait for them, and the
 * server must close them when their time is up, not when an idle timeout (longer here) would.
 */
class SlowClientsTest {
    private static final Duration HEAD = Duration.ofSeconds(3);
    private static final Duration BODY = Duration.ofSeconds(3);
    /** Far longer than the run: only the head and body clocks can cut the slow clients off. */
    private static final Duration IDLE = Duration.ofSeconds(60);
    /** What a heartbeat may take, slow clients or not. */
    private static final Duration QUICK = Duration.ofMillis(1500);
    /** The sweep's granularity and the test's own reading, on top of the limit. */
    private static final Duration SLACK = Duration.ofMillis(1500);
    private static final int SLOW = 8;

    @TempDir
    Path dir;

    private ApiTestSupport api;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (api != null) {
            api.close();
        }
    }

    private void start() throws Exception {
        api = new ApiTestSupport(dir, ApiLimits.DEFAULTS.withTimes(HEAD, BODY, IDLE));
        // the first request of a JVM loads Jetty, Jackson and H2: not what this test measures
        assertEquals(200, api.call("GET", "/api/v1/vps", null).status());
    }

    @Test
    void slowHeadsAreCutOffWhileHeartbeatsFlow() throws Exception {
        start();
        String head = "GET /api/v1/vps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token
                + "\r\nX-Padding: " + "a".repeat(40) + "\r\n\r\n";
        assertSlowClientsCutOff(head, HEAD);
    }

    @Test
    void slowBodiesAreCutOffWhileHeartbeatsFlow() throws Exception {
        start();
        String body = "{\"image\": \"" + "x".repeat(60) + "\"}";
        String request = "POST /api/v1/vps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n";
        List<RawHttp> slow = new ArrayList<>();
        for (int i = 0; i < SLOW; i++) {
            slow.add(new RawHttp(api.apiAddress()).send(request));
        }
        assertHeartbeatsFlowWhile(slow, body, BODY);
        for (RawHttp c : slow) {
            assertTrue(c.received().contains(" 408 "), c.received());
            assertTrue(c.body().contains("did not arrive within 3 s"), c.body());
        }
    }

    private void assertSlowClientsCutOff(String text, Duration limit) throws Exception {
        List<RawHttp> slow = new ArrayList<>();
        for (int i = 0; i < SLOW; i++) {
            slow.add(new RawHttp(api.apiAddress()));
        }
        assertHeartbeatsFlowWhile(slow, text, limit);
    }

    /** Drips {@code text} on every slow connection while heartbeats run; both must go as the limits say. */
    private void assertHeartbeatsFlowWhile(List<RawHttp> slow, String text, Duration limit) throws Exception {
        List<Future<Duration>> closed = new ArrayList<>();
        for (RawHttp c : slow) {
            closed.add(pool.submit(() -> c.drip(text)));
        }
        long end = System.nanoTime() + limit.plus(SLACK).plusSeconds(1).toNanos();
        int beats = 0;
        Duration slowest = Duration.ZERO;
        while (System.nanoTime() < end) {
            long t = System.nanoTime();
            ApiTestSupport.Reply r = api.call("GET", "/api/v1/vps", null);
            Duration took = Duration.ofNanos(System.nanoTime() - t);
            assertEquals(200, r.status(), r.body().toString());
            assertTrue(took.compareTo(QUICK) < 0, "heartbeat " + beats + " took " + took.toMillis() + " ms");
            slowest = took.compareTo(slowest) > 0 ? took : slowest;
            beats++;
            Thread.sleep(200);
        }
        assertTrue(beats >= 10, "only " + beats + " heartbeats in the run");
        for (int i = 0; i < slow.size(); i++) {
            Duration d = closedWithin(closed.get(i));
            assertNotNull(d, "slow connection " + i + " was never closed");
            assertTrue(d.compareTo(limit.plus(SLACK)) < 0, "slow connection " + i + " closed after "
                    + d.toMillis() + " ms, limit " + limit.toMillis() + " ms");
            assertTrue(d.compareTo(limit.minusMillis(500)) > 0, "slow connection " + i + " closed early, after "
                    + d.toMillis() + " ms");
            slow.get(i).close();
        }
    }

    /** When the server closed a slow connection; null when it had not, 10 s after the heartbeats ended. */
    private static Duration closedWithin(Future<Duration> closed) throws Exception {
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return null;
        }
    }
}

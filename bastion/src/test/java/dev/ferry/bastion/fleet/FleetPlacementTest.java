package dev.ferry.bastion.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Where a new VPS goes: on an online runner with room for it, never beyond a runner's CPUs. */
class FleetPlacementTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path dir;

    private FleetTestSupport host;

    @BeforeEach
    void open() {
        host = new FleetTestSupport(dir, opened);
    }

    @Test
    void placesOnlyOnOnlineRunnersWithRoom() {
        FerryException full = assertThrows(FerryException.class, () -> host.fleet.create(
                new Fleet.CreateRequest("big", "img:1", List.of(host.alice), null, 3.0, null)));
        assertTrue(full.getMessage().contains("no online runner has room for 3.0 CPUs"), full.getMessage());
        FerryException unknown = assertThrows(FerryException.class, () -> host.fleet.create(
                new Fleet.CreateRequest("x", "img:1", List.of(host.alice), "r9", null, null)));
        assertEquals(FerryException.Kind.NOT_FOUND, unknown.kind());
        host.clock.advance(Duration.ofSeconds(31));
        host.fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        FerryException offline = assertThrows(FerryException.class, () -> host.fleet.create(
                new Fleet.CreateRequest("x", "img:1", List.of(host.alice), "r1", null, null)));
        assertTrue(offline.getMessage().contains("runner r1 is offline, last heartbeat"), offline.getMessage());
        FerryException none = assertThrows(FerryException.class, () -> host.create("y"));
        assertEquals(FerryException.Kind.UNAVAILABLE, none.kind());
    }

    @Test
    void concurrentCreatesNeverOvercommitARunner() throws Exception {
        // r1 has 2 CPUs: ten creates of 1 CPU each at once, exactly two fit
        var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 10; i++) {
                String name = "c" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        host.create(name);
                        return true;
                    } catch (FerryException full) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int created = 0;
            for (var r : results) {
                created += r.get() ? 1 : 0;
            }
            assertEquals(2, created);
        } finally {
            pool.shutdownNow();
        }
    }
}

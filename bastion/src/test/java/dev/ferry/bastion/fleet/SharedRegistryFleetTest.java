package dev.ferry.bastion.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.registry.JdbcRegistry;
import dev.ferry.bastion.registry.PostgresServer;
import dev.ferry.bastion.registry.RegistryLocation;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterRequest;
import dev.ferry.testing.MovableClock;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Hosts' fleets on one PostgreSQL registry (two pools, as two processes have): creates through both never
 * overcommit a runner, and a runner heard by one Host is not taken for lost by the other's watchdog.
 */
class SharedRegistryFleetTest {
    private static final DockerStatus DOCKER_OK = new DockerStatus(true, null, "28.2");
    private static final String JOIN = "join-token-for-shared-fleet-tests";

    /** Both Hosts read one clock, as machines with synchronised clocks do. */
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private JdbcRegistry a;
    private JdbcRegistry b;
    private Fleet fleetA;
    private Fleet fleetB;

    @BeforeEach
    void open() {
        RegistryLocation db = PostgresServer.get().newDatabase();
        a = JdbcRegistry.open(db, Path.of("/nonexistent"), new Snowflake(1), clock);
        b = JdbcRegistry.open(db, Path.of("/nonexistent"), new Snowflake(2), clock);
        fleetA = new Fleet(a, a.runners(), clock);
        fleetB = new Fleet(b, b.runners(), clock);
        new RunnerTrust(a.runners(), JOIN, clock).enroll(JOIN, new EnrollRequest("r1", "127.0.0.1", 32768, 60999,
                Credentials.digest(Credentials.create())), InetAddress.getLoopbackAddress());
        fleetA.register("r1", new RegisterRequest("r1", "127.0.0.1", 5, 8L << 30, DOCKER_OK));
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    @Test
    void tenConcurrentCreatesThroughTwoHostsNeverOvercommitARunner() throws Exception {
        // room for five VPS of one CPU; ten creates at once, half through each Host
        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Vps>> creates = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Fleet fleet = i % 2 == 0 ? fleetA : fleetB;
            String name = "c" + i;
            creates.add(pool.submit(() -> {
                go.await();
                return fleet.create(new Fleet.CreateRequest(name, "img:1", List.of(TestKeys.ed25519(name)), null, 1.0,
                        null));
            }));
        }
        go.countDown();
        int made = 0;
        int refused = 0;
        for (Future<Vps> f : creates) {
            try {
                f.get();
                made++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof FerryException fe && fe.getMessage().contains("no online runner "
                        + "has room"), String.valueOf(e.getCause()));
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(5, made, "as many as the runner has room for");
        assertEquals(5, refused);
        assertEquals(5.0, a.onRunner("r1").stream().mapToDouble(v -> v.placement().cpus()).sum());
    }

    @Test
    void aRunnerHeardByOneHostStaysOnlineForTheOthersWatchdog() {
        for (int i = 0; i < 12; i++) { // a minute of heartbeats, all landing on Host A
            clock.advance(Duration.ofSeconds(5));
            fleetA.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of()));
            fleetB.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        }
        assertTrue(b.runners().find("r1").orElseThrow().online(), "Host B reads the heartbeat time Host A wrote");
        Instant seen = b.runners().find("r1").orElseThrow().lastHeartbeat();
        assertTrue(!seen.isBefore(clock.instant().minus(Duration.ofSeconds(10))), seen + " vs " + clock.instant());
        clock.advance(Duration.ofSeconds(31));
        fleetB.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        assertTrue(!b.runners().find("r1").orElseThrow().online(), "silent for 31 s: lost, whichever Host looks");
    }
}

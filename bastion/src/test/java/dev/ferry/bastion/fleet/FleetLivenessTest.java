package dev.ferry.bastion.fleet;

import static dev.ferry.bastion.fleet.FleetTestSupport.DOCKER_OK;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats as a runner's signs of life: a silent runner's VPS are lost until it comes back, heartbeats cost the
 * registry file nothing, and a runner that cannot see Docker changes nothing.
 */
class FleetLivenessTest {
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
    void aSilentRunnerLosesItsVpsUntilItComesBack() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        host.clock.advance(Duration.ofSeconds(31));
        host.fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        assertEquals(VpsStatus.LOST, host.now(v).status());
        assertTrue(host.now(v).lastError().contains("runner r1 went silent"), host.now(v).lastError());
        assertEquals(false, host.registry.runners().find("r1").orElseThrow().online());
        host.report(v, "running", 32768, true, null);
        assertEquals(VpsStatus.RUNNING, host.now(v).status());
        assertTrue(host.registry.runners().find("r1").orElseThrow().online());
    }

    @Test
    void afterAHostRestartRunnersGetTheFullSilenceLimitToCheckIn() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        host.clock.advance(Duration.ofSeconds(20));
        host.fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        host.registry.close();
        host.clock.advance(Duration.ofMinutes(5)); // the Host was down
        host.registry = TestRegistries.open(dir, new Snowflake(1), host.clock);
        host.fleet = new Fleet(host.registry, host.registry.runners(), host.clock);
        host.fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        assertTrue(host.registry.runners().find("r1").orElseThrow().online(),
                "not offline for the Host's own downtime");
        assertEquals(VpsStatus.RUNNING, host.now(v).status());
        host.clock.advance(Duration.ofSeconds(31));
        host.fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        assertEquals(VpsStatus.LOST, host.now(v).status());
        host.registry.close();
        host.registry = TestRegistries.open(dir, new Snowflake(1), host.clock);
        assertEquals(false, host.registry.runners().find("r1").orElseThrow().online(), "offline is written down");
    }

    @Test
    void heartbeatsThatChangeNothingButTheirTimeAreNotWrittenToTheFile() throws Exception {
        assumeFalse(TestRegistries.postgres(), "the H2 file; on PostgreSQL the time is written every 10 s (heartbeatTimesReachTheOtherHosts)");
        Path file = dir.resolve("registry.mv.db");
        host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of()));
        long before = java.nio.file.Files.size(file);
        for (int i = 0; i < 200; i++) {
            host.clock.advance(Duration.ofSeconds(5));
            host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of()));
        }
        // every commit appends a chunk of several KiB: 200 written heartbeats would add megabytes
        assertTrue(java.nio.file.Files.size(file) - before < 64 * 1024,
                "grew by " + (java.nio.file.Files.size(file) - before) + " bytes");
        assertEquals(host.clock.instant(), host.registry.runners().find("r1").orElseThrow().lastHeartbeat(),
                "the latest heartbeat is still what the Host reports");
    }

    @Test
    void aRunnerWithoutDockerChangesNothingItCannotSee() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(new DockerStatus(false,
                "cannot reach Docker at unix:///var/run/docker.sock", null), List.of()));
        assertEquals(VpsStatus.RUNNING, host.now(v).status());
        assertEquals(false, host.registry.runners().find("r1").orElseThrow().dockerOk());
    }
}

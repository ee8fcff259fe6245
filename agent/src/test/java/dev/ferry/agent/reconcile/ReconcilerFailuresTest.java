package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ExecResult;
import dev.ferry.agent.docker.ImageInfo;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.testing.Opened;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.ferry.agent.reconcile.ReconcilerTestSupport.KEY1;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.PLAIN;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.vps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What goes wrong (an image without sshd or not found, a failing step, a container that keeps stopping, Docker down) is
 * reported with what fixes it, and tried again only when that may help.
 */
class ReconcilerFailuresTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    private ReconcilerTestSupport runner;

    @BeforeEach
    void setUp() {
        runner = opened.add(new ReconcilerTestSupport());
    }

    private int pulls(String image) {
        return (int) runner.docker.calls.stream().filter(c -> c.equals("pull " + image)).count();
    }

    @Test
    void imageWithoutSshdFailsWithTheFixAndLeavesNothing() {
        runner.docker.images.put("nosshd:1", new ImageInfo(List.of(), List.of()));
        runner.docker.execAnswer = image -> new ExecResult(3, "error: no sshd");
        DesiredVps d = vps("105", "nosshd:1", DesiredState.RUNNING, KEY1);
        runner.beat(d);
        assertTrue(runner.docker.containers.isEmpty(), "the container is removed");
        ContainerReport r = runner.report("105");
        assertEquals(ContainerState.FAILED, r.state());
        assertNull(r.containerId());
        assertTrue(r.error().contains("nosshd:1") && r.error().contains("openssh-server")
                && r.error().contains("apt-get install -y openssh-server"), r.error());
        runner.beat(d);
        assertTrue(runner.docker.containers.isEmpty(), "not created again while the Host still wants it running");
        // Stop, then start: how the Host asks for another try.
        runner.beat(vps("105", "nosshd:1", DesiredState.STOPPED));
        assertEquals(ContainerState.STOPPED, runner.report("105").state());
        runner.docker.execAnswer = image -> new ExecResult(0, "ok");
        runner.beat(d);
        assertEquals("running", runner.docker.box("ferry-vps-105").status);
    }

    @Test
    void failingStepIsTriedThreeTimesThenTheVpsFails() {
        runner.docker.execAnswer = image -> new ExecResult(4,
                "2026 [vps 113] error: sshd did not start (exit 255): boom");
        DesiredVps d = vps("113", PLAIN, DesiredState.RUNNING, KEY1);
        runner.beat(d);
        assertEquals(ContainerState.STARTING, runner.report("113").state());
        runner.beat(d);
        runner.beat(d);
        assertEquals(3, runner.docker.execs.size());
        ContainerReport r = runner.report("113");
        assertEquals(ContainerState.FAILED, r.state());
        assertTrue(r.error().contains("sshd did not start (exit 255): boom"), r.error());
        assertEquals("exited", runner.docker.box("ferry-vps-113").status);
        runner.beat(d);
        assertEquals(3, runner.docker.execs.size());
    }

    @Test
    void containerThatKeepsStoppingRightAfterItStartsFailsAndIsStopped() {
        runner.docker.images.put("crash:1", new ImageInfo(List.of(), List.of("sh", "-c", "exit 3")));
        DesiredVps d = vps("120", "crash:1", DesiredState.RUNNING, KEY1);
        runner.beat(d);
        assertNull(runner.docker.box("ferry-vps-120").spec.cmd(), "the image's own command is kept");
        for (int i = 1; i < Converger.QUICK_EXITS; i++) {
            runner.docker.exitAndRestarting("ferry-vps-120", 3, Duration.ofMillis(40));
            assertEquals(ContainerState.STARTING, runner.report("120").state(), "exit " + i + " is not yet a failure");
            assertEquals(ContainerState.STARTING, runner.report("120").state(), "the same exit seen twice counts once");
            runner.docker.restart("ferry-vps-120");
        }
        runner.docker.exitAndRestarting("ferry-vps-120", 3, Duration.ofMillis(40));
        ContainerReport r = runner.report("120");
        assertEquals(ContainerState.FAILED, r.state());
        assertTrue(r.error().contains("crash:1") && r.error().contains("keeps stopping right after it starts")
                && r.error().contains("exited with code 3") && r.error().contains("ferry vps restart 120"),
                r.error());
        runner.reconciler.apply(List.of(d));
        assertEquals("exited", runner.docker.box("ferry-vps-120").status, "Docker no longer restarts it for ever");
        runner.beat(d);
        assertEquals("exited", runner.docker.box("ferry-vps-120").status, "not started again while the Host wants it");
        assertEquals(ContainerState.FAILED, runner.report("120").state());
        // Stop, then start: another try, counted from nothing.
        runner.beat(vps("120", "crash:1", DesiredState.STOPPED));
        runner.beat(d);
        assertEquals("running", runner.docker.box("ferry-vps-120").status);
        runner.docker.exitAndRestarting("ferry-vps-120", 3, Duration.ofMillis(40));
        assertEquals(ContainerState.STARTING, runner.report("120").state());
    }

    @Test
    void longRunsAndStopsAreNotExitsAtOnce() {
        DesiredVps d = vps("121", "app:1", DesiredState.RUNNING, KEY1);
        runner.beat(d);
        for (int i = 0; i < Converger.QUICK_EXITS + 1; i++) {
            runner.docker.exitAndRestarting("ferry-vps-121", 137, Converger.QUICK_EXIT.plusSeconds(1));
            assertEquals(ContainerState.STARTING, runner.report("121").state(), "a VPS that ran a while is restarted");
            runner.docker.restart("ferry-vps-121");
        }
        for (int i = 0; i < Converger.QUICK_EXITS + 1; i++) {
            runner.beat(vps("121", "app:1", DesiredState.STOPPED));
            assertEquals("exited", runner.docker.box("ferry-vps-121").status);
            runner.beat(d);
        }
        assertEquals("running", runner.docker.box("ferry-vps-121").status);
        assertEquals(ContainerState.STARTING, runner.report("121").state());
    }

    @Test
    void missingImageFailsNamingItAndIsLookedForAgainLater() {
        DesiredVps d = vps("106", "nowhere/image:7", DesiredState.RUNNING);
        runner.beat(d);
        assertTrue(runner.docker.calls.contains("pull nowhere/image:7"));
        ContainerReport r = runner.report("106");
        assertEquals(ContainerState.FAILED, r.state());
        assertTrue(r.error().contains("nowhere/image:7") && r.error().contains("docker load"), r.error());
        assertTrue(runner.docker.containers.isEmpty());
        runner.docker.images.put("nowhere/image:7", new ImageInfo(List.of(), List.of()));
        runner.beat(d);
        assertTrue(runner.docker.containers.isEmpty(), "too early to look again");
        runner.clock.advance(Converger.PULL_RETRIES.get(0));
        assertEquals(ContainerState.FAILED, runner.report("106").state(), "still failed until the new attempt works");
        runner.reconciler.apply(List.of(d));
        assertEquals("running", runner.docker.box("ferry-vps-106").status);
        assertEquals(ContainerState.STARTING, runner.report("106").state());
    }

    @Test
    void aMissingImageIsPulledAgainWithBackOffThenLeftFailedUntilARestart() {
        DesiredVps d = vps("108", "nowhere/image:8", DesiredState.RUNNING);
        List<Long> pulledAt = new ArrayList<>();
        Instant start = runner.clock.instant();
        for (int second = 0; second <= 3600; second += 5) {
            int before = pulls("nowhere/image:8");
            runner.beat(d);
            if (pulls("nowhere/image:8") > before) {
                pulledAt.add(Duration.between(start, runner.clock.instant()).toSeconds());
            }
            runner.clock.advance(Duration.ofSeconds(5));
        }
        assertEquals(List.of(0L, 30L, 90L, 210L, 450L), pulledAt, "30 s, 1, 2 and 4 min apart, then no more");
        ContainerReport r = runner.report("108");
        assertEquals(ContainerState.FAILED, r.state());
        assertTrue(r.error().contains("could not be pulled") && r.error().contains("tried 5 times")
                && r.error().contains("ferry vps restart 108"), r.error());

        runner.beat(vps("108", "nowhere/image:8", DesiredState.STOPPED)); // a restart: the stop half, then the start
        runner.beat(d);
        assertEquals(6, pulls("nowhere/image:8"), "a restart looks for the image again");
        assertTrue(runner.report("108").error().contains("looked for again in 30 s (try 1 of 5)"),
                runner.report("108").error());
    }

    @Test
    void dockerDownIsReportedWithItsAddress() {
        runner.docker.reachable = false;
        HeartbeatRequest h = runner.reconciler.observe();
        assertFalse(h.docker().ok());
        assertTrue(h.docker().error().contains("unix:///fake.sock"), h.docker().error());
        assertTrue(h.containers().isEmpty());
    }
}

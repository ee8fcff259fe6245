package dev.ferry.agent.reconcile;

import dev.ferry.agent.testing.FakeRuntime;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.testing.Opened;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static dev.ferry.agent.reconcile.ReconcilerTestSupport.KEY1;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.PLAIN;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.REGISTRY;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.vps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the runner does with a VPS the Host lists: creates its container as asked, runs its start-up step, pauses,
 * stops, starts and removes it, and makes it again when it went missing.
 */
class ReconcilerLifecycleTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    private ReconcilerTestSupport runner;

    @BeforeEach
    void setUp() {
        runner = opened.add(new ReconcilerTestSupport());
    }

    @Test
    void createsPublishesOnAdvertisedAddressAndRunsTheStep() {
        DesiredVps d = new DesiredVps("101", "web", PLAIN, 1.5, 1L << 30, DesiredState.RUNNING, List.of(KEY1), null);
        runner.beat(d);
        FakeRuntime.Box box = runner.docker.box("ferry-vps-101");
        assertEquals(Map.of("ferry.vps.id", "101", "ferry.runner", "r1", "ferry.managed", "true",
                "ferry.registry", REGISTRY), box.spec.labels());
        assertEquals("127.0.0.1", box.spec.publishIp());
        assertEquals(1_500_000_000L, box.spec.nanoCpus());
        assertEquals(1L << 30, box.spec.memoryBytes());
        assertEquals("web", box.spec.hostname());
        assertEquals(Converger.KEEP_ALIVE, box.spec.cmd(), "an image without a command is kept alive by the runner");
        assertEquals("running", box.status);
        assertEquals(1, runner.docker.execs.size());
        assertEquals(KEY1, runner.docker.execs.get(0).get("FERRY_AUTHORIZED_KEYS"));
        assertEquals("101", runner.docker.execs.get(0).get("FERRY_VPS_ID"));
        ContainerReport r = runner.report("101");
        assertEquals(ContainerState.STARTING, r.state(), "no banner yet: not running");
        assertFalse(r.sshReady());
        assertEquals(box.port, r.sshPort());
    }

    @Test
    void keepsTheImagesOwnCommandUnlessItIsABareShell() {
        runner.beat(vps("103", "app:1", DesiredState.RUNNING), vps("104", "shell:1", DesiredState.RUNNING));
        assertNull(runner.docker.box("ferry-vps-103").spec.cmd());
        assertEquals(Converger.KEEP_ALIVE, runner.docker.box("ferry-vps-104").spec.cmd());
    }

    @Test
    void containerRemovedBehindTheRunnersBackIsMissingThenCreatedAgain() {
        DesiredVps d = vps("114", PLAIN, DesiredState.RUNNING, KEY1);
        runner.beat(d);
        runner.docker.containers.clear();
        ContainerReport r = runner.report("114");
        assertEquals(ContainerState.MISSING, r.state());
        assertNull(r.containerId());
        runner.reconciler.apply(List.of(d));
        assertEquals("running", runner.docker.box("ferry-vps-114").status);
        assertEquals(2, runner.docker.execs.size());
    }

    @Test
    void pauseResumeStopStartRemove() {
        runner.beat(vps("109", PLAIN, DesiredState.RUNNING, KEY1));
        FakeRuntime.Box box = runner.docker.box("ferry-vps-109");
        runner.beat(vps("109", PLAIN, DesiredState.PAUSED, KEY1));
        assertEquals("paused", box.status);
        assertEquals(ContainerState.PAUSED, runner.report("109").state());
        runner.beat(vps("109", PLAIN, DesiredState.RUNNING, KEY1));
        assertEquals("running", box.status);
        assertEquals(1, runner.docker.execs.size(), "a resumed container needs no new start-up step");
        runner.beat(vps("109", PLAIN, DesiredState.STOPPED, KEY1));
        assertEquals("exited", box.status);
        assertEquals(ContainerState.STOPPED, runner.report("109").state());
        runner.beat(vps("109", PLAIN, DesiredState.RUNNING, KEY1));
        assertEquals("running", box.status);
        assertEquals(2, runner.docker.execs.size(), "started again: the step runs again");
        runner.beat();
        assertTrue(runner.docker.containers.isEmpty(), "a VPS the Host no longer lists is removed");
    }

    @Test
    void stopsAPausedContainer() {
        runner.beat(vps("110", PLAIN, DesiredState.PAUSED, KEY1));
        runner.beat(vps("110", PLAIN, DesiredState.PAUSED, KEY1));
        assertEquals("paused", runner.docker.box("ferry-vps-110").status);
        runner.beat(vps("110", PLAIN, DesiredState.STOPPED, KEY1));
        assertEquals("exited", runner.docker.box("ferry-vps-110").status);
    }
}

package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.agent.testing.FakeRuntime;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.testing.Opened;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static dev.ferry.agent.reconcile.ReconcilerTestSupport.KEY1;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.PLAIN;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.REGISTRY;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.vps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which containers are the runner's to manage: those of its own name and registry, including an earlier agent's, and no
 * others.
 */
class ReconcilerOwnershipTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    private ReconcilerTestSupport runner;

    @BeforeEach
    void setUp() {
        runner = opened.add(new ReconcilerTestSupport());
    }

    @Test
    void removesUnlistedContainersOfItsOwnRegistryOnly() {
        runner.beat(vps("130", PLAIN, DesiredState.RUNNING, KEY1), vps("131", PLAIN, DesiredState.RUNNING, KEY1));
        // The runner now serves a new, empty Host (another data directory): nothing of the old one is removed.
        runner.reconciler = runner.reconciler("9e1d7c55-0000-4000-8000-000000000000");
        runner.beat();
        runner.beat();
        assertEquals(2, runner.docker.containers.size(), "another registry's containers are left alone");
        assertEquals("running", runner.docker.box("ferry-vps-130").status);
        // A Host that does not say which registry it is removes nothing either.
        runner.reconciler = runner.reconciler(null);
        runner.beat();
        assertEquals(2, runner.docker.containers.size());
        // Back to the Host that made them: the VPS it no longer lists goes, the one it lists stays.
        runner.reconciler = runner.reconciler(REGISTRY);
        runner.beat(vps("131", PLAIN, DesiredState.RUNNING, KEY1));
        assertNull(runner.docker.box("ferry-vps-130"), "removed: its own Host no longer lists it");
        assertEquals("running", runner.docker.box("ferry-vps-131").status);
    }

    @Test
    void leavesOtherRunnersContainersAlone() {
        Reconciler other = new Reconciler("r2", "127.0.0.1", null, ContainerPolicy.DEFAULTS, runner.docker, Runnable::run, null);
        runner.reconcilers.add(other);
        other.apply(List.of(vps("111", PLAIN, DesiredState.RUNNING)));
        runner.beat();
        assertEquals("running", runner.docker.box("ferry-vps-111").status);
        assertTrue(runner.reconciler.observe().containers().isEmpty());
    }

    @Test
    void adoptsContainersOfAnEarlierAgentWithTheirPorts() {
        DesiredVps d = vps("112", PLAIN, DesiredState.RUNNING, KEY1);
        runner.beat(d);
        FakeRuntime.Box box = runner.docker.box("ferry-vps-112");
        int port = box.port;
        Reconciler second = runner.reconciler();
        second.observe();
        second.apply(List.of(d));
        assertEquals(1, runner.docker.containers.size());
        assertEquals(port, runner.docker.box("ferry-vps-112").port);
        assertFalse(runner.docker.calls.stream().filter(c -> c.startsWith("create")).count() > 1);
        assertEquals(2, runner.docker.execs.size(), "the new agent cannot know the step ran: it runs it again");
    }
}

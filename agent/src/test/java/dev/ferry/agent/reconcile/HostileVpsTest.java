package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.agent.docker.ImageInfo;
import dev.ferry.agent.testing.FakeRuntime;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tenant's container that hangs or misbehaves, against a hand-written runtime and the reconciler's own
 * thread pools: the other VPS of the runner go on.
 */
class HostileVpsTest {
    private static final String PLAIN = "ferry-test/plain:1";
    private static final String HANGS = "ferry-test/hangs:1";
    private static final Duration STEP_LIMIT = Duration.ofSeconds(3);

    private final FakeRuntime docker = new FakeRuntime();
    private final List<Reconciler> reconcilers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        reconcilers.forEach(Reconciler::close);
    }

    private Reconciler reconciler(Runnable onChange) {
        docker.images.put(PLAIN, new ImageInfo(List.of(), List.of()));
        docker.images.put(HANGS, new ImageInfo(List.of(), List.of()));
        ContainerPolicy policy = new ContainerPolicy(null, null, null, null, false, STEP_LIMIT);
        Reconciler r = new Reconciler("r1", "127.0.0.1", null, policy, docker, null, onChange);
        r.registry("0c6a0b1e-5a3f-4b7e-9d2a-3f1e2d4c5b6a");
        reconcilers.add(r);
        return r;
    }

    private static DesiredVps vps(String id, String image) {
        return new DesiredVps(id, null, image, null, null, DesiredState.RUNNING, List.of(), null);
    }

    private static Map<String, ContainerReport> byVps(List<ContainerReport> reports) {
        return reports.stream().collect(Collectors.toMap(ContainerReport::vpsId, Function.identity()));
    }

    @Test
    void hungStartUpStepsAreAbandonedAndNeverHoldBackAnotherVps() {
        Reconciler r = reconciler(null);
        docker.hangingExecs.add(HANGS);
        // More hung steps than the runner has action threads: on those threads they would hold everyone up.
        List<DesiredVps> hostile = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            hostile.add(vps("20" + i, HANGS));
        }
        r.observe();
        r.apply(hostile);
        Await.until("every hostile step hangs", Duration.ofSeconds(2), () -> docker.hungNow.size() == 6);

        long t0 = System.nanoTime();
        List<DesiredVps> all = new ArrayList<>(hostile);
        all.add(vps("210", PLAIN));
        r.observe();
        r.apply(all);
        Await.until("the honest VPS's step ran", Duration.ofSeconds(1), () -> docker.execs.stream()
                .anyMatch(env -> "210".equals(env.get("FERRY_VPS_ID"))));
        Duration honest = Duration.ofNanos(System.nanoTime() - t0);
        assertEquals(6, docker.hungNow.size(), "the hostile steps still hang meanwhile");
        assertTrue(honest.compareTo(Duration.ofSeconds(1)) < 0, "started in " + honest.toMillis() + " ms");

        Await.until("the hung steps are abandoned", STEP_LIMIT.plusSeconds(2), () -> !r.busy());
        Map<String, ContainerReport> reports = byVps(r.observe().containers());
        for (DesiredVps d : hostile) {
            ContainerReport report = reports.get(d.vpsId());
            String error = String.valueOf(report.error());
            assertTrue(error.contains("did not end within 3 s") && error.contains("was abandoned")
                    && error.contains("/var/log/ferry-onstart.log"), error);
        }
        assertEquals(ContainerState.STARTING, reports.get("210").state(), "its step done, waiting for the banner");
        assertEquals(null, reports.get("210").error());
    }

    @Test
    void oneVpsWhoseReportFailsLeavesTheOthersReported() {
        Reconciler r = reconciler(null);
        r.observe();
        r.apply(List.of(vps("220", PLAIN), vps("221", PLAIN)));
        Await.until("both started", Duration.ofSeconds(5), () -> docker.execs.size() == 2 && !r.busy());
        docker.box("ferry-vps-220").status = null; // Docker said something no report can be made of

        Map<String, ContainerReport> reports = byVps(r.observe().containers());
        assertEquals(ContainerState.UNKNOWN, reports.get("220").state(), "reported, as unknown");
        assertEquals(ContainerState.STARTING, reports.get("221").state());
        assertEquals(docker.box("ferry-vps-221").port, reports.get("221").sshPort());
    }

    @Test
    void aStoppedContainerOfAnOlderRunnerMovesToTheVpsNetworkBeforeItStarts() {
        Reconciler r = reconciler(null);
        r.observe();
        r.apply(List.of(vps("230", PLAIN)));
        Await.until("started", Duration.ofSeconds(5), () -> docker.execs.size() == 1 && !r.busy());
        FakeRuntime.Box old = docker.box("ferry-vps-230");
        old.status = "exited";
        old.networks = Set.of("bridge");

        r.observe();
        r.apply(List.of(vps("230", PLAIN)));
        Await.until("started again", Duration.ofSeconds(5), () -> docker.execs.size() == 2 && !r.busy());
        assertEquals(Set.of(ContainerPolicy.NETWORK), old.networks);
        int moved = docker.calls.indexOf("move " + old.id + " to " + ContainerPolicy.NETWORK);
        assertTrue(moved >= 0 && moved < docker.calls.lastIndexOf("start " + old.id), docker.calls.toString());
    }
}

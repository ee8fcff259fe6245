package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ExecResult;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.testing.Opened;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;

import static dev.ferry.agent.reconcile.ReconcilerTestSupport.KEY1;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.PLAIN;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.vps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a VPS is reported running: once its sshd answers after the step of this start, and while a few checks in a row
 * go unanswered; an sshd silent for longer is started again.
 */
class ReconcilerSshdTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    private ReconcilerTestSupport runner;

    @BeforeEach
    void setUp() {
        runner = opened.add(new ReconcilerTestSupport());
    }

    /** A VPS whose step ran and whose sshd (a fake one) has answered in this start: reported running. */
    private DesiredVps runningAndAnswered(String vpsId) throws IOException {
        DesiredVps d = vps(vpsId, PLAIN, DesiredState.RUNNING, KEY1);
        runner.beat(d);
        runner.docker.box("ferry-vps-" + vpsId).port = runner.fakeSshd();
        assertEquals(ContainerState.RUNNING, runner.report(vpsId).state());
        return d;
    }

    @Test
    void reportsRunningOnlyOnceTheBannerAnswers() throws IOException {
        DesiredVps d = vps("102", PLAIN, DesiredState.RUNNING, KEY1);
        runner.beat(d);
        assertEquals(ContainerState.STARTING, runner.report("102").state());
        runner.docker.box("ferry-vps-102").port = runner.fakeSshd();
        ContainerReport r = runner.report("102");
        assertEquals(ContainerState.RUNNING, r.state());
        assertTrue(r.sshReady());
        assertEquals(runner.docker.box("ferry-vps-102").startedAt.toString(), r.startedAt());
    }

    @Test
    void aRunningVpsWhoseSshdMissesOneCheckStaysRunningUntilItsContainerStartsAgain() throws IOException {
        DesiredVps d = runningAndAnswered("123");
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // a busy sshd on a loaded machine: connections wait in its backlog, no banner within the check's time
            runner.docker.box("ferry-vps-123").port = busy.getLocalPort();
            ContainerReport missed = runner.report("123");
            assertEquals(ContainerState.RUNNING, missed.state(), "answered in this start: still running");
            assertFalse(missed.sshReady(), "the missed check is said");
        }
        runner.docker.restart("ferry-vps-123");
        runner.reconciler.apply(List.of(d));
        assertEquals(ContainerState.STARTING, runner.report("123").state(), "a new start has to answer again");
    }

    @Test
    void anSshdSilentForSeveralChecksInARowIsStartedAgainByTheStep() throws IOException {
        DesiredVps d = runningAndAnswered("125");
        int steps = runner.docker.execs.size();
        try (ServerSocket gone = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            runner.docker.box("ferry-vps-125").port = gone.getLocalPort(); // its tenant killed it: nothing listens there
        }
        for (int i = 1; i < Reconciler.SILENT_CHECKS; i++) {
            assertEquals(ContainerState.RUNNING, runner.report("125").state());
            runner.reconciler.apply(List.of(d));
        }
        assertEquals(steps, runner.docker.execs.size(), "a few missed checks are no reason to touch it");
        assertEquals(ContainerState.RUNNING, runner.report("125").state(), "still running while it is started again");
        runner.reconciler.apply(List.of(d));
        assertEquals(steps + 1, runner.docker.execs.size(), "the step ran again, " + Reconciler.SILENT_CHECKS
                + " checks unanswered in a row");
        runner.reconciler.apply(List.of(d));
        assertEquals(steps + 1, runner.docker.execs.size(), "once, until it has missed as many again");
    }

    @Test
    void anSshdAnsweringBeforeTheStepOfThisStartIsNotReportedRunning() throws IOException {
        DesiredVps d = runningAndAnswered("122");
        runner.docker.restart("ferry-vps-122"); // Docker restarted it: whatever answers now has not had Ferry's step
        assertEquals(ContainerState.STARTING, runner.report("122").state());
        runner.reconciler.apply(List.of(d));
        assertEquals(ContainerState.RUNNING, runner.report("122").state(), "the step ran again for this start");
        runner.docker.execAnswer = image -> new ExecResult(4, "sshd did not start");
        runner.docker.restart("ferry-vps-122");
        runner.beat(d);
        assertEquals(ContainerState.STARTING, runner.report("122").state(),
                "the step failed: the banner is not Ferry's");
    }
}

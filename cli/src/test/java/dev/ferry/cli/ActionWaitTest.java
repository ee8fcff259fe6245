package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.api.Json;
import dev.ferry.bastion.TestKeys;
import dev.ferry.protocol.ContainerState;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry vps stop|restart|pause|resume --wait} return once the runner has reported the state. */
class ActionWaitTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private ClientSshTestSupport t;
    private String id;

    @BeforeEach
    void start() throws Exception {
        t = opened.add(new ClientSshTestSupport(home));
        id = t.createRunning("web");
    }

    private CompletableFuture<CliTestSupport.Result> async(String... args) {
        return CompletableFuture.supplyAsync(() -> t.ferry(args));
    }

    /** Still waiting a second later: the runner has not reported the state yet. */
    private static void stillWaiting(CompletableFuture<CliTestSupport.Result> f) throws Exception {
        Thread.sleep(1200);
        assertFalse(f.isDone(), () -> "returned early: " + f.join());
    }

    @Test
    void pauseWaitsForThePauseAndResumeForRunning() throws Exception {
        CompletableFuture<CliTestSupport.Result> pause = async("vps", "pause", "web", "--wait");
        stillWaiting(pause);
        t.runner.report(id, ContainerState.PAUSED, t.sshd().port(), null);
        CliTestSupport.Result paused = pause.get(20, TimeUnit.SECONDS);
        assertEquals(0, paused.code(), paused.toString());
        assertEquals("vps-" + id + ": paused", paused.out().strip());

        CompletableFuture<CliTestSupport.Result> resume = async("vps", "resume", "web", "--wait");
        stillWaiting(resume);
        t.runner.report(id, ContainerState.RUNNING, t.sshd().port(), null);
        assertEquals("vps-" + id + ": running", resume.get(20, TimeUnit.SECONDS).out().strip());
    }

    @Test
    void restartOfARunningVpsWaitsForTheStopAndTheStart() throws Exception {
        CompletableFuture<CliTestSupport.Result> restart = async("vps", "restart", "web", "--wait");
        stillWaiting(restart); // the runner still reports it running: the Host now says assigning
        t.runner.report(id, ContainerState.STOPPED, null, null);
        stillWaiting(restart);
        t.runner.report(id, ContainerState.RUNNING, t.sshd().port(), null);
        CliTestSupport.Result r = restart.get(20, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.toString());
        assertEquals("vps-" + id + ": running", r.out().strip());
    }

    @Test
    void restartWaitsForTheCertificateOfAContainerMadeAnew() throws Exception {
        t.runner.installsCertificates(false);
        CompletableFuture<CliTestSupport.Result> restart = async("vps", "restart", "web", "--wait");
        stillWaiting(restart);
        t.runner.report(id, ContainerState.STOPPED, null, null);
        stillWaiting(restart);
        // the container was made anew: new host keys, which the Host certifies once the runner reports them
        t.runner.hostKey(id, TestKeys.ed25519("made anew").toOpenSsh());
        t.runner.report(id, ContainerState.RUNNING, t.sshd().port(), null);
        stillWaiting(restart); // running, but a strict client would refuse it
        t.runner.installsCertificates(true);
        CliTestSupport.Result r = restart.get(20, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.toString());
        assertEquals("vps-" + id + ": running", r.out().strip());
        assertFalse(r.err().contains("does not serve its host certificate"), r.toString());
        assertTrue(Json.MAPPER.readTree(t.ferry("vps", "status", id, "--json").out()).path("host_certified")
                .asBoolean(), "returned once the certificate is served");
    }

    @Test
    void stopWaitsAndAFailureOnTheWayIsReportedWithItsReason() throws Exception {
        CompletableFuture<CliTestSupport.Result> stop = async("vps", "stop", "web", "--wait");
        stillWaiting(stop);
        t.runner.report(id, ContainerState.STOPPED, null, null);
        assertEquals("vps-" + id + ": stopped", stop.get(20, TimeUnit.SECONDS).out().strip());

        CompletableFuture<CliTestSupport.Result> restart = async("vps", "restart", "web", "--wait");
        stillWaiting(restart);
        t.runner.report(id, ContainerState.FAILED, null, "its sshd did not start: no /usr/sbin/sshd");
        CliTestSupport.Result r = restart.get(20, TimeUnit.SECONDS);
        assertEquals(ExitCodes.FAILURE, r.code(), r.toString());
        assertEquals("ferry: vps-" + id + " failed: its sshd did not start: no /usr/sbin/sshd", r.err().strip());
    }

    @Test
    void withoutWaitTheActionReturnsAtOnce() {
        CliTestSupport.Result r = t.ferry("vps", "stop", "web");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("stop requested"), r.out());
    }
}

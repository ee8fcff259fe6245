package dev.ferry.bastion.fleet;

import static dev.ferry.bastion.fleet.FleetTestSupport.DOCKER_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VPS's status as its runner reports it and as the actions asked of it change it: created, running once its sshd
 * answers, paused, stopped, restarted, failed.
 */
class FleetLifecycleTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path dir;

    private FleetTestSupport host;

    @BeforeEach
    void open() {
        host = new FleetTestSupport(dir, opened);
    }

    private static String told(HeartbeatAnswer a) {
        return a.vps().get(0).state().word();
    }

    @Test
    void aCreatedVpsRunsOnceItsSshAnswers() {
        Vps v = host.create("web");
        assertEquals(VpsStatus.ASSIGNING, v.status());
        assertEquals("r1", v.placement().runner());
        HeartbeatAnswer answer = host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of()));
        assertEquals("running", told(answer));
        assertEquals(List.of(host.alice.toOpenSsh()), answer.vps().get(0).authorizedKeys());
        assertEquals(VpsStatus.ASSIGNING, host.now(v).status());

        host.report(v, "running", 32768, false, null);
        assertEquals(VpsStatus.ASSIGNING, host.now(v).status(), "not running before its sshd answers");
        host.report(v, "running", 32768, true, null);
        assertEquals(VpsStatus.RUNNING, host.now(v).status());
        assertEquals(new Endpoint("127.0.0.1", 32768), host.now(v).endpoint());
    }

    @Test
    void aRunningVpsWhoseSshdMissedOneCheckStaysRunningWithANote() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        host.report(v, "running", 32768, false, null);
        assertEquals(VpsStatus.RUNNING, host.now(v).status(), "its users are not refused as if it were being created");
        assertTrue(host.now(v).lastError().contains("did not answer on 127.0.0.1:32768"), host.now(v).lastError());
        host.report(v, "running", 32768, true, null);
        assertEquals(VpsStatus.RUNNING, host.now(v).status());
        assertNull(host.now(v).lastError(), "the note goes once it answers");
    }

    @Test
    void aFailureCarriesTheRunnersSentence() {
        Vps v = host.create("web");
        host.report(v, "failed", null, false, "image ferry-test/no-sshd:1 has no sshd");
        assertEquals(VpsStatus.FAILED, host.now(v).status());
        assertEquals("image ferry-test/no-sshd:1 has no sshd", host.now(v).lastError());
    }

    @Test
    void pauseResumeAndStopFollowTheReports() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        host.fleet.act(VpsRef.ofId(v.id()), VpsAction.PAUSE);
        assertEquals("paused", told(host.report(v, "running", 32768, true, null)));
        host.report(v, "paused", 32768, false, null);
        assertEquals(VpsStatus.PAUSED, host.now(v).status());
        host.fleet.act(VpsRef.ofId(v.id()), VpsAction.RESUME);
        assertEquals("running", told(host.report(v, "running", 32768, true, null)));
        assertEquals(VpsStatus.RUNNING, host.now(v).status());
        host.fleet.act(VpsRef.ofId(v.id()), VpsAction.STOP);
        host.report(v, "stopped", null, false, null);
        assertEquals(VpsStatus.STOPPED, host.now(v).status());
        assertNull(host.now(v).endpoint());
    }

    @Test
    void restartStopsThenRunsAgain() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        host.fleet.act(VpsRef.ofId(v.id()), VpsAction.RESTART);
        assertEquals("stopped", told(host.report(v, "running", 32768, true, null)), "first the stop");
        assertEquals("running", told(host.report(v, "stopped", null, false, null)), "then the start");
        host.report(v, "running", 32769, true, null);
        assertEquals(VpsStatus.RUNNING, host.now(v).status());
        assertEquals(32769, host.now(v).endpoint().port());
    }

    @Test
    void refusesInvalidTransitionsNamingTheStatus() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        FerryException resume = assertThrows(FerryException.class,
                () -> host.fleet.act(VpsRef.ofId(v.id()), VpsAction.RESUME));
        assertEquals(FerryException.Kind.CONFLICT, resume.kind());
        assertTrue(resume.getMessage().contains("is running; only a paused VPS can be resumed"), resume.getMessage());
        host.fleet.act(VpsRef.ofId(v.id()), VpsAction.STOP);
        host.report(v, "stopped", null, false, null);
        FerryException stop = assertThrows(FerryException.class,
                () -> host.fleet.act(VpsRef.ofId(v.id()), VpsAction.STOP));
        assertTrue(stop.getMessage().contains("is stopped"), stop.getMessage());
    }

    @Test
    void actionsBetweenTwoHeartbeatsSeeWhatWasAlreadyAsked() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        VpsRef ref = VpsRef.ofId(v.id());
        host.fleet.act(ref, VpsAction.PAUSE);
        FerryException again = assertThrows(FerryException.class, () -> host.fleet.act(ref, VpsAction.PAUSE));
        assertTrue(again.getMessage().contains("is running and already asked to be paused; only a running VPS can "
                + "be paused"), again.getMessage());
        host.fleet.act(ref, VpsAction.RESUME); // undone before any runner saw it
        assertEquals("running", told(host.report(v, "running", 32768, true, null)));
        host.fleet.act(ref, VpsAction.STOP);
        FerryException stop = assertThrows(FerryException.class, () -> host.fleet.act(ref, VpsAction.STOP));
        assertTrue(stop.getMessage().contains("and already asked to be stopped"), stop.getMessage());
        host.fleet.act(ref, VpsAction.RESTART);
        assertEquals("stopped", told(host.report(v, "running", 32768, true, null)), "the restart stops it first");
    }

    @Test
    void aHeartbeatFinishingARestartKeepsAStopAskedMeanwhile() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        VpsRef ref = VpsRef.ofId(v.id());
        host.fleet.act(ref, VpsAction.RESTART);
        Placement readByHeartbeat = host.now(v).placement();
        host.fleet.act(ref, VpsAction.STOP);
        // what the heartbeat would write back with what it read: refused, the stop stands
        assertTrue(host.registry.replacePlacement(v.id(), readByHeartbeat, readByHeartbeat.wanting(
                readByHeartbeat.desired(), false)).isEmpty());
        assertEquals("stopped", told(host.report(v, "stopped", null, false, null)));
        assertEquals(VpsStatus.STOPPED, host.now(v).status());
    }
}

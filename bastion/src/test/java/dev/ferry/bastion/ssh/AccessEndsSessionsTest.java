package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.fleet.VpsAction;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A channel opens only in the VPS its session was admitted to, and access taken away ends the sessions that
 * relied on it (issue 18, 3): with real sshd as VPS and the OpenSSH client, ControlMaster connections held open
 * across renames, key removals, stops, pauses and removals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessEndsSessionsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String RUNNER = "r1";

    private BastionTestSupport t;
    private Path dir;
    private SshPublicKey alice;
    private final List<ContainerReport> reports = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        t = opened.add(BastionTestSupport.start(dir));
        alice = BastionTestSupport.pub(t.aliceKey);
        t.fakeRunner(RUNNER);
    }

    private BastionTestSupport.Started vps(String name) throws Exception {
        BastionTestSupport.Started s = t.startVps("sshd-" + name, name, List.of(alice));
        t.closeLater(s);
        return s;
    }

    /** A client of alice's whose connections to the bastion are shared (ControlMaster), kept 60 s. */
    private SshClientFixture multiplexing(String name) throws Exception {
        Path sockets = Files.createDirectories(dir.resolve("cm-" + name));
        return t.client("cm-" + name, List.of(t.aliceKey), "Host 127.0.0.1\n    ControlMaster auto\n"
                + "    ControlPath " + sockets + "/%C\n    ControlPersist 60\n");
    }

    private Background session(SshClientFixture c, String user, String command) throws Exception {
        return Background.start(List.of("ssh", "-F", c.config().toString(), "-p", Integer.toString(t.port),
                user + "@127.0.0.1", command));
    }

    private void closeMaster(SshClientFixture c, String user) {
        c.ssh("-O", "exit", "-p", Integer.toString(t.port), user + "@127.0.0.1");
    }

    /** The sshd port a command over plain mode ran behind (the last field of SSH_CONNECTION). */
    private static String sshdPort(Processes.Result r) {
        String[] fields = r.requireSuccess().out().strip().split(" ");
        return fields[fields.length - 1];
    }

    @Test
    void aRenameNeverMovesAnOpenSessionToAnotherVps() throws Exception {
        BastionTestSupport.Started first = vps("first");
        BastionTestSupport.Started second = vps("second");
        SshClientFixture c = multiplexing("rename");
        try {
            String port = Integer.toString(first.sshd().port());
            assertEquals(port, sshdPort(t.sshTo(c, "vps-first", "echo $SSH_CONNECTION")), "the master's VPS");
            t.host.registry().rename(VpsRef.ofId(first.vps().id()), "first-old");
            t.host.registry().rename(VpsRef.ofId(second.vps().id()), "first");
            // the name now names the second VPS; the open connection stays in the one it was admitted to, for a
            // session and for a ProxyJump forward to "the VPS of my user name"
            assertEquals(port, sshdPort(t.sshTo(c, "vps-first", "echo $SSH_CONNECTION")), "a new session");
            long before = second.sshd().accepted();
            Processes.Result forward = c.ssh("-W", "localhost:22", "-p", Integer.toString(t.port),
                    "vps-first@127.0.0.1");
            assertTrue(forward.out().startsWith("SSH-2.0-"), forward.toString());
            assertEquals(before, second.sshd().accepted(), "the forward reached the renamed-to VPS");
            // a new connection goes by the name as it is now
            assertEquals(Integer.toString(second.sshd().port()), sshdPort(t.sshTo(t.alice, "vps-first",
                    "echo $SSH_CONNECTION")));
        } finally {
            closeMaster(c, "vps-first");
        }
    }

    @Test
    void removingAKeyEndsEverySessionThatLoggedInWithIt() throws Exception {
        BastionTestSupport.Started gamma = vps("gamma");
        BastionTestSupport.Started other = vps("other"); // the same key elsewhere keeps working
        SshClientFixture c = multiplexing("key");
        try (Background direct = session(t.alice, "vps-gamma", "echo in; sleep 60");
             Background jump = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-J", "vps-gamma@"
                     + t.bastion, SshClientFixture.user() + "@vps-gamma", "echo in; sleep 60"));
             Background muxed = session(c, "vps-gamma", "echo in; sleep 60");
             Background elsewhere = session(t.alice, "vps-other", "echo in; sleep 60")) {
            for (Background b : List.of(direct, muxed, elsewhere)) {
                b.awaitStdout("in", 20);
            }
            t.host.registry().addKeys(VpsRef.ofId(gamma.vps().id()), List.of(BastionTestSupport.pub(t.bobKey)));
            t.host.registry().removeKey(VpsRef.ofId(gamma.vps().id()), alice.fingerprint());
            String why = "your key " + alice.fingerprint() + " was removed from " + gamma.vps().label();
            direct.awaitStderr(Pattern.compile("Received disconnect from 127\\.0\\.0\\.1 port \\d+:11: ferry: "
                    + Pattern.quote(why + "; this session ends")), 10);
            jump.awaitStderr(Pattern.compile(Pattern.quote("ferry: " + why)), 10);
            awaitEnded(muxed, 10);
            t.awaitLogged("ended: " + why, 10);
            assertTrue(elsewhere.alive(), "a session of the same key to another VPS goes on");
            Processes.Result again = t.sshTo(c, "vps-gamma", "true");
            assertEquals(255, again.exit(), again.toString());
            assertTrue(Files.readString(dir.resolve("host/logs/audit.jsonl")).contains("\"reason\":\"" + why + "\""),
                    "the audit has each forced end with its reason");
        } finally {
            closeMaster(c, "vps-gamma");
        }
    }

    @Test
    void stoppingPausingOrRemovingAVpsEndsItsSessions() throws Exception {
        Vps stopped = onRunner("delta");
        Vps paused = onRunner("epsilon");
        BastionTestSupport.Started removed = vps("zeta");
        try (Background a = session(t.alice, "vps-delta", "echo in; sleep 60");
             Background b = session(t.alice, "vps-epsilon", "echo in; sleep 60");
             Background c = session(t.alice, "vps-zeta", "echo in; sleep 60")) {
            for (Background s : List.of(a, b, c)) {
                s.awaitStdout("in", 20);
            }
            t.host.fleet().act(VpsRef.ofId(stopped.id()), VpsAction.STOP);
            t.host.fleet().act(VpsRef.ofId(paused.id()), VpsAction.PAUSE);
            t.host.registry().remove(VpsRef.ofId(removed.vps().id()));
            a.awaitStderr(Pattern.compile(Pattern.quote("ferry: " + stopped.label() + " was stopped; start it with: "
                    + "ferry vps start " + stopped.id() + "; this session ends")), 10);
            b.awaitStderr(Pattern.compile(Pattern.quote("ferry: " + paused.label() + " was paused; resume it with: "
                    + "ferry vps resume " + paused.id() + "; this session ends")), 10);
            c.awaitStderr(Pattern.compile(Pattern.quote("ferry: vps-" + removed.vps().id() + " was removed; this "
                    + "session ends")), 10);
        }
    }

    @Test
    void aJumpUsersForwardEndsWhenItsKeyLeavesThatVps() throws Exception {
        BastionTestSupport.Started eta = vps("eta");
        try (Background forward = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-J",
                "jump@" + t.bastion, SshClientFixture.user() + "@vps-eta", "echo in; sleep 60"))) {
            forward.awaitStdout("in", 20);
            t.host.registry().addKeys(VpsRef.ofId(eta.vps().id()), List.of(BastionTestSupport.pub(t.bobKey)));
            t.host.registry().removeKey(VpsRef.ofId(eta.vps().id()), alice.fingerprint());
            awaitEnded(forward, 10);
            t.awaitLogged("forward to vps-" + eta.vps().id() + " ended: your key " + alice.fingerprint()
                    + " was removed from " + eta.vps().label(), 10);
        }
    }

    /** A runner-backed VPS served by a real sshd, reported running. */
    private Vps onRunner(String name) throws Exception {
        Path where = dir.resolve("sshd-" + name);
        SshdFixture sshd = SshdFixture.start(where, List.of(), t.certificateLogins(where), 0);
        t.closeLater(sshd);
        Vps v = t.host.registry().create(new NewVps(name, null, List.of(alice),
                new Placement("img", RUNNER, null, null, TargetState.RUNNING, false)));
        sshd.acceptCertificatesFor(v.id());
        // the runner reports all its VPS at every heartbeat: one left out would be missing
        reports.add(new ContainerReport(Long.toString(v.id()), "c-" + v.id(), ContainerState.RUNNING, sshd.port(),
                true, null, null, sshd.hostKey().toOpenSsh()));
        t.heartbeat(RUNNER, reports);
        return t.host.registry().get(VpsRef.ofId(v.id()));
    }

    private static void awaitEnded(Background b, int seconds) {
        Await.until("the session ended", Duration.ofSeconds(seconds), () -> !b.alive());
    }
}

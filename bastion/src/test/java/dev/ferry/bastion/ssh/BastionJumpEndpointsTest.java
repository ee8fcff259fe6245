package dev.ferry.bastion.ssh;

import static dev.ferry.bastion.ssh.BastionJumpTestSupport.assertRefused;
import static dev.ferry.bastion.ssh.SshClientFixture.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jump to a VPS that cannot be reached, explained to the user: not running, its endpoint refusing, silent after
 * the connect, unresolvable or never answering.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BastionJumpEndpointsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionJumpTestSupport vps;
    private BastionTestSupport t;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        vps = BastionJumpTestSupport.start(dir, opened);
        t = vps.t;
    }

    @Test
    void explainsAVpsThatIsNotRunning() {
        t.host.registry().updateStatus(VpsRef.ofId(vps.db.id()), VpsStatus.PAUSED);
        try {
            SshClientFixture bob = t.client("bob", List.of(t.bobKey), null);
            Processes.Result r = bob.ssh("-J", "vps-db@" + t.bastion, user() + "@vps-db", "true");
            assertRefused(r, "administratively prohibited: vps-" + vps.db.id() + " is paused; resume it with: "
                    + "ferry vps resume " + vps.db.id());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            t.host.registry().updateStatus(VpsRef.ofId(vps.db.id()), VpsStatus.RUNNING);
        }
    }

    @Test
    void explainsARefusedEndpoint() throws Exception {
        int closed = SshdFixture.freePort();
        Vps dead = t.host.registry().create(new NewVps("dead", new Endpoint("127.0.0.1", closed),
                List.of(SshClientFixture.publicKey(t.aliceKey))));
        Processes.Result r = t.alice.ssh("-J", "vps-dead@" + t.bastion, user() + "@vps-dead", "true");
        assertRefused(r, "connect failed: vps-" + dead.id() + ": cannot connect to its sshd at 127.0.0.1:" + closed
                + " (connection refused after ");
    }

    @Test
    void closesAForwardWhoseEndpointAcceptsButNeverSpeaks() throws Exception {
        // the kernel completes the handshake from the backlog; nobody ever writes a banner
        try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Vps v = t.host.registry().create(new NewVps("mute", new Endpoint("127.0.0.1", mute.getLocalPort()),
                    List.of(SshClientFixture.publicKey(t.aliceKey))));
            long t0 = System.nanoTime();
            Processes.Result r = t.alice.ssh("-J", "vps-mute@" + t.bastion, user() + "@vps-mute", "true");
            long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
            String log = Files.readString(t.dir.resolve("host/logs/ferry-host.log"));
            assertTrue(log.contains("(vps-" + v.id() + "): its sshd sent nothing within 5000 ms of the connect"),
                    "logged why: " + log.lines().filter(l -> l.contains("vps-" + v.id())).toList());
            assertEquals(255, r.exit(), r.toString());
            assertTrue(seconds >= 4 && seconds < 15, "took " + seconds + " s with a 5 s banner timeout");
        }
    }

    @Test
    void explainsAnEndpointWhoseNameDoesNotResolve() throws Exception {
        Vps nowhere = t.host.registry().create(new NewVps("nowhere", new Endpoint("nonexistent.invalid", 22),
                List.of(SshClientFixture.publicKey(t.aliceKey))));
        Processes.Result r = t.alice.ssh("-J", "vps-nowhere@" + t.bastion, user() + "@vps-nowhere", "true");
        assertRefused(r, "connect failed: vps-" + nowhere.id() + ": cannot connect to its sshd at nonexistent.invalid:22"
                + " (the name nonexistent.invalid does not resolve after ");
    }

    @Test
    void explainsAnEndpointThatNeverAnswersAfterTheConnectTimeout() throws Exception {
        try (BlackHole hole = BlackHole.open()) {
            Vps silent = t.host.registry().create(new NewVps("silent", new Endpoint("127.0.0.1", hole.port()),
                    List.of(SshClientFixture.publicKey(t.aliceKey))));
            long start = System.nanoTime();
            Processes.Result r = t.alice.ssh("-J", "vps-silent@" + t.bastion, user() + "@vps-silent", "true");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertRefused(r, "connect failed: vps-" + silent.id() + ": cannot connect to its sshd at 127.0.0.1:"
                    + hole.port() + " (no answer within 2");
            assertTrue(r.err().matches("(?s).*no answer within 2\\d{3} ms.*"), "2 s connect timeout: " + r.err());
            assertTrue(seconds < 15, "took " + seconds + " s with a 2 s connect timeout");
        }
    }
}

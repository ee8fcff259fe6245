package dev.ferry.bastion.ssh;

import static dev.ferry.bastion.ssh.BastionJumpTestSupport.assertRefused;
import static dev.ferry.bastion.ssh.BastionTestSupport.lastLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwards and shells the bastion refuses with the reason: another VPS or port, a target that is no registered
 * endpoint (never dialed), a VPS whose sshd does not trust Ferry's CA, and the jump user's shell.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BastionJumpForwardRefusalsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionJumpTestSupport vps;
    private BastionTestSupport t;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        vps = BastionJumpTestSupport.start(dir, opened);
        t = vps.t;
    }

    private Processes.Result stdio(String login, String target) {
        return t.alice.ssh("-W", target, "-p", Integer.toString(t.port), login + "@127.0.0.1");
    }

    @Test
    void refusesOtherVpsAndPortsWithTheReason() {
        assertRefused(stdio("vps-web", "vps-db:22"), "administratively prohibited: vps-db is not a VPS your key can reach");
        assertRefused(stdio("vps-web", "vps-nothere:22"),
                "administratively prohibited: vps-nothere is not a VPS your key can reach");
        assertRefused(stdio("vps-web", "vps-web:8888"), "administratively prohibited: vps-" + vps.web.id()
                + ": only port 22 (its sshd) is reachable through the bastion, not port 8888");
        assertRefused(stdio("jump", "localhost:22"),
                "administratively prohibited: the jump user has no VPS of its own");
        assertRefused(stdio("jump", "example.com:22"),
                "administratively prohibited: example.com:22 is not a VPS");
    }

    @Test
    void otherForwardsOfAVpsLoginGoIntoTheVpsAndNeedItsTrust() {
        // plain mode: localhost:8888 and example.com:22 are opened inside the VPS, whose sshd here does not
        // trust Ferry's user CA; the user reads the one line that VPS's admin must add
        for (String target : List.of("localhost:8888", "example.com:22")) {
            assertRefused(stdio("vps-web", target), "administratively prohibited: vps-" + vps.web.id() + "'s sshd "
                    + "refused the bastion's certificate for user root: the user does not exist there, its account is "
                    + "locked (a '!' password, which sshd without PAM refuses even for keys: usermod -p '*' root), or "
                    + "its sshd does not accept Ferry's certificates for this VPS (it needs the lines 'TrustedUserCAKeys "
                    + "/etc/ssh/ferry_user_ca.pub' and 'AuthorizedPrincipalsFile /etc/ssh/ferry_principals' in its "
                    + "sshd_config, that file naming vps-" + vps.web.id() + ": ferry ca user-key --vps " + vps.web.id()
                    + " prints what to install)");
        }
    }

    @Test
    void neverDialsAnythingButARegisteredEndpoint() throws Exception {
        try (ServerSocket canary = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket canary2 = new ServerSocket(canary.getLocalPort(), 50, InetAddress.getByName("127.0.0.2"));
             ServerSocket canary6 = new ServerSocket(canary.getLocalPort(), 50, InetAddress.getByName("::1"))) {
            int p = canary.getLocalPort();
            for (String login : List.of("vps-web", "jump")) {
                for (String target : List.of("127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p, "vps-web:" + p,
                        "127.0.0.2:" + p, "0.0.0.0:" + p, "vps-db:" + p)) {
                    Processes.Result r = stdio(login, target);
                    assertEquals(255, r.exit(), login + " " + target + ": " + r);
                    assertTrue(r.err().contains("administratively prohibited"), login + " " + target + ": " + r);
                }
            }
            for (ServerSocket c : List.of(canary, canary2, canary6)) {
                c.setSoTimeout(300);
                try (Socket s = c.accept()) {
                    throw new AssertionError("the bastion dialed a port that is no VPS endpoint: " + s);
                } catch (SocketTimeoutException expected) {
                    // nobody came: good
                }
            }
        }
        // and the same canary does see a dial when it is a registered endpoint: the check above can fail
        try (ServerSocket registered = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            t.host.registry().create(new NewVps("canary", new Endpoint("127.0.0.1", registered.getLocalPort()),
                    List.of(SshClientFixture.publicKey(t.aliceKey))));
            Process p = new ProcessBuilder("ssh", "-F", t.alice.config().toString(), "-W", "vps-canary:22", "-p",
                    Integer.toString(t.port), "vps-canary@127.0.0.1").start();
            try {
                registered.setSoTimeout(20_000);
                try (Socket s = registered.accept()) {
                    assertTrue(s.isConnected());
                }
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aVpsWhoseSshdDoesNotTrustTheCaGetsNoShellButTheLineItNeeds() {
        Processes.Result remote = t.alice.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22",
                "-o", "SessionType=none", "-p", Integer.toString(t.port), "vps-web@127.0.0.1");
        assertEquals(255, remote.exit(), remote.toString());
        assertTrue(remote.err().contains("remote port forwarding failed"), remote.toString());

        Processes.Result shell = t.alice.ssh("-A", "-p", Integer.toString(t.port), "vps-web@127.0.0.1", "id");
        assertEquals(255, shell.exit(), shell.toString());
        assertEquals("channel 0: open failed: administratively prohibited: vps-" + vps.web.id() + "'s sshd refused "
                + "the bastion's certificate for user root: the user does not exist there, its account is locked (a "
                + "'!' password, which sshd without PAM refuses even for keys: usermod -p '*' root), or its sshd does "
                + "not accept Ferry's certificates for this VPS (it needs the lines 'TrustedUserCAKeys "
                + "/etc/ssh/ferry_user_ca.pub' and 'AuthorizedPrincipalsFile /etc/ssh/ferry_principals' in its "
                + "sshd_config, that file naming vps-" + vps.web.id() + ": ferry ca user-key --vps " + vps.web.id()
                + " prints what to install)", lastLine(shell.err()), shell.toString());
        assertFalse(shell.out().contains("uid="), "nothing may run on the bastion");
    }

    @Test
    void theJumpUserHasNoShellAndIsToldWhatToType() {
        Processes.Result shell = t.alice.ssh("-p", Integer.toString(t.port), "jump@127.0.0.1", "id");
        assertEquals(255, shell.exit(), shell.toString());
        assertEquals("channel 0: open failed: administratively prohibited: the jump user only jumps: it has no "
                + "shell or forwards of its own; log in to the VPS itself: ssh -p " + t.port
                + " vps-<id>@127.0.0.1, or "
                + "jump through: ssh -J jump@127.0.0.1:" + t.port + " root@vps-<id>", lastLine(shell.err()),
                shell.toString());
        assertFalse(shell.out().contains("uid="), "nothing may run on the bastion");
    }
}

package dev.ferry.bastion.ssh;

import static dev.ferry.bastion.ssh.SshClientFixture.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.ssh.frontdoor.Startups;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bastion's own connections with the client: startups from one address dropped at random past the start,
 * keepalives and unknown global requests answered, a client that stops answering keepalives closed, and a quiet
 * one that answers them kept (1 s keepalives, 3 missed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BastionJumpConnectionsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = BastionJumpTestSupport.start(dir, opened).t;
    }

    @Test
    void dropsConnectionsNotLoggedInFromOneAddressAtRandomPastTheStart() throws Exception {
        List<Socket> held = new ArrayList<>();
        Startups limits = HostSettings.MAX_STARTUPS_PER_SOURCE.fallback();
        try {
            for (int i = 0; i < limits.start(); i++) {
                Socket s = new Socket("127.0.0.1", t.port);
                held.add(s);
                s.setSoTimeout(5000);
                assertTrue(banner(s).startsWith("SSH-2.0-"), "connection " + i + " is served");
            }
            // between start and full: some served, some closed at once, more of them the fuller it gets
            int served = 0;
            int between = limits.full() - limits.start();
            for (int i = 0; i < between; i++) {
                Socket s = new Socket("127.0.0.1", t.port);
                s.setSoTimeout(5000);
                if (banner(s).startsWith("SSH-2.0-")) {
                    held.add(s);
                    served++;
                } else {
                    s.close();
                }
            }
            assertTrue(served > 0 && served < between, served + " of " + between + " served between start and full");
            held.get(0).setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> held.get(0).getInputStream().read(),
                    "those within the limit stay open");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        Thread.sleep(1000); // the bastion notices the closes
        assertEquals("in-again", t.alice.ssh("-J", "vps-web@" + t.bastion, user() + "@vps-web", "echo in-again")
                .requireSuccess().out().strip(), "the slots are free again");
    }

    private static String banner(Socket s) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = s.getInputStream().read()) != -1 && c != '\n') {
            b.append((char) c);
        }
        return b.toString().strip();
    }

    @Test
    void answersKeepalivesAndUnknownGlobalRequests() throws Exception {
        java.security.KeyPair key = dev.ferry.keys.PrivateKeyFiles.read(t.aliceKey);
        try (org.apache.sshd.client.SshClient client = org.apache.sshd.client.SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (org.apache.sshd.client.session.ClientSession s = client.connect("vps-web", "127.0.0.1", t.port)
                    .verify(Duration.ofSeconds(10)).getSession()) {
                s.addPublicKeyIdentity(key);
                s.auth().verify(Duration.ofSeconds(10));
                var keepalive = s.request("keepalive@openssh.com", globalRequest(s, "keepalive@openssh.com"), 10,
                        java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(keepalive != null, "keepalive@openssh.com must be answered with success");
                var unknown = s.request("no-such-request@example.com", globalRequest(s, "no-such-request@example.com"),
                        10, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(unknown == null, "an unknown global request gets a failure reply");
                assertTrue(s.isOpen() && s.isAuthenticated(), "and the session goes on");
            }
        }
    }

    private static org.apache.sshd.common.util.buffer.Buffer globalRequest(
            org.apache.sshd.client.session.ClientSession s, String name) {
        var b = s.createBuffer(org.apache.sshd.common.SshConstants.SSH_MSG_GLOBAL_REQUEST, name.length() + 8);
        b.putString(name);
        b.putBoolean(true);
        return b;
    }

    @Test
    void closesASessionWhoseClientStopsAnsweringKeepalives() throws Exception {
        List<String> earlier = t.audit.loggedIn();
        Process ssh = new ProcessBuilder("ssh", "-F", t.alice.config().toString(), "-N", "-p", Integer.toString(t.port),
                "vps-web@127.0.0.1").redirectErrorStream(true).start();
        opened.add(ssh::destroyForcibly);
        long pid = ssh.pid();
        String session = t.audit.awaitLogin(earlier, 20);
        Processes.run(List.of("kill", "-STOP", Long.toString(pid)), null, 10).requireSuccess();
        try {
            // keepalive every second, three misses allowed: the bastion gives up within a few seconds
            t.awaitLogged("no answer to 3 keepalives 1 s apart: disconnecting", 20);
            // and it was this session that ended, while its client could not close it
            t.audit.await("session_closed", e -> AuditEvents.has(e, "session", session), 10);
        } finally {
            Processes.run(List.of("kill", "-CONT", Long.toString(pid)), null, 10);
        }
        assertTrue(ssh.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "ssh should see the disconnect");
    }

    @Test
    void keepsAQuietSessionWhoseClientAnswersKeepalives() throws Exception {
        // the bastion asks every second and gives up after three misses; this session is quiet for 5 s
        Processes.Result r = t.alice.ssh("-J", "vps-web@" + t.bastion, user() + "@vps-web", "sleep 5; echo still-here")
                .requireSuccess();
        assertEquals("still-here", r.out().strip());
        // client keepalives to the bastion hop itself (ssh passes no -o to the ProxyJump child): with one
        // unanswered request allowed, a bastion that did not answer would be dropped within 2 s
        SshClientFixture keepalive = t.client("keepalive", List.of(t.aliceKey),
                "Host 127.0.0.1\n    ServerAliveInterval 1\n    ServerAliveCountMax 1\n");
        Processes.Result withClientKeepalive = keepalive.ssh("-J", "vps-web@" + t.bastion, user() + "@vps-web",
                "sleep 4; echo answered").requireSuccess();
        assertEquals("answered", withClientKeepalive.out().strip());
    }
}

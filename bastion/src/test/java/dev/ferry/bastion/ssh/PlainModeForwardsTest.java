package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forwards in plain mode: local, dynamic and remote ports, a Unix socket inside the VPS, the agent and X11, global
 * replies in the order of their requests, and an idle forward kept through keepalives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainModeForwardsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private PlainModeTestSupport plain;
    private BastionTestSupport t;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        plain = PlainModeTestSupport.start(dir, opened);
        t = plain.t;
    }

    @Test
    void localForwardsReachTheVpsLoopback() throws Exception {
        // -W: one direct-tcpip channel, opened inside the VPS
        Processes.Result w = t.alice.tool("ssh", "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                "-W", "localhost:" + plain.http.port(), "-p", Integer.toString(t.port), "vps-web@127.0.0.1");
        assertTrue(w.out().contains("hello from inside the VPS"), w.toString());
        // -L and -D, as a person uses them
        int l = SshdFixture.freePort();
        int d = SshdFixture.freePort();
        try (Background ssh = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-N",
                "-o", "ExitOnForwardFailure=yes", "-L", l + ":localhost:" + plain.http.port(), "-D",
                Integer.toString(d), "-p", Integer.toString(t.port), "vps-web@127.0.0.1"))) {
            ssh.awaitPort(l);
            ssh.awaitPort(d);
            assertEquals("hello from inside the VPS", curl("http://127.0.0.1:" + l + "/"));
            assertEquals("hello from inside the VPS", curl("--socks5-hostname", "127.0.0.1:" + d,
                    "http://localhost:" + plain.http.port() + "/"));
        }
    }

    @Test
    void forwardsToAUnixSocketInsideTheVps() throws Exception {
        // direct-streamlocal@openssh.com, as VS Code's remoteServerListenOnSocket uses it
        Path socket = plain.dir.resolve("inside.sock");
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open(
                java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(socket));
            Thread answer = new Thread(() -> {
                while (server.isOpen()) {
                    try (java.nio.channels.SocketChannel c = server.accept()) {
                        c.write(java.nio.ByteBuffer.wrap("hello over a socket\n".getBytes(StandardCharsets.UTF_8)));
                    } catch (java.io.IOException closed) {
                        return; // the test fails on what it did not read
                    }
                }
            });
            answer.setDaemon(true);
            answer.start();
            int l = SshdFixture.freePort();
            try (Background ssh = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-N",
                    "-o", "ExitOnForwardFailure=yes", "-L", l + ":" + socket, "-p", Integer.toString(t.port),
                    "vps-web@127.0.0.1"))) {
                ssh.awaitPort(l);
                try (java.net.Socket c = new java.net.Socket("127.0.0.1", l)) {
                    c.setSoTimeout(10_000);
                    assertEquals("hello over a socket\n", new String(c.getInputStream().readAllBytes(),
                            StandardCharsets.UTF_8));
                }
            }
        }
    }

    @Test
    void remoteForwardsWithAFixedPortAndPortZero() throws Exception {
        int fixed = SshdFixture.freePort();
        Processes.Result r = plain.alice(List.of("-o", "ExitOnForwardFailure=yes", "-R", fixed + ":127.0.0.1:"
                + plain.http.port()), "curl -s http://127.0.0.1:" + fixed + "/");
        assertEquals("hello from inside the VPS", r.out().strip(), r.toString());

        try (Background ssh = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-N",
                "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:" + plain.http.port(), "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1"))) {
            Matcher m = ssh.awaitStderr(Pattern.compile("Allocated port (\\d+) for remote forward"), 20);
            int allocated = Integer.parseInt(m.group(1));
            assertEquals("hello from inside the VPS", curl("http://127.0.0.1:" + allocated + "/"));
        }
    }

    @Test
    void globalRepliesKeepTheOrderOfTheRequests() throws Exception {
        try (SshClient client = BastionTestSupport.minaClient()) {
            try (ClientSession s = t.login(client, "vps-web", t.aliceKey)) {
                Buffer forward = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 64);
                forward.putString("tcpip-forward");
                forward.putBoolean(true);
                forward.putString("127.0.0.1");
                forward.putUInt(0);
                Buffer keepalive = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 64);
                keepalive.putString("keepalive@openssh.com");
                keepalive.putBoolean(true);
                // the forward waits for the VPS; the keepalive is answered by the bastion at once
                var forwardReply = s.request(forward, "tcpip-forward", null);
                var keepaliveReply = s.request(keepalive, "keepalive@openssh.com", null);
                keepaliveReply.await(Duration.ofSeconds(20));
                forwardReply.await(Duration.ofSeconds(20));
                Buffer port = forwardReply.getBuffer();
                assertTrue(port != null && port.getUInt() > 0, "the forward's own reply, with its port: "
                        + forwardReply.getException());
            }
        }
    }

    @Test
    void anIdleForwardOutlivesSeveralKeepaliveRounds() throws Exception {
        int l = SshdFixture.freePort();
        try (Background ssh = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-N",
                "-o", "ExitOnForwardFailure=yes", "-L", l + ":localhost:" + plain.http.port(), "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1"))) {
            ssh.awaitPort(l);
            Thread.sleep(8_000); // keepalives every second to the client and to the VPS, three may be missed
            assertTrue(ssh.alive(), "the quiet session must stay");
            assertEquals("hello from inside the VPS", curl("http://127.0.0.1:" + l + "/"));
        }
    }

    @Test
    void forwardsTheAgent() throws Exception {
        Path sock = plain.dir.resolve("agent.sock");
        try (Background agent = Background.start(List.of("ssh-agent", "-D", "-a", sock.toString()))) {
            agent.awaitFile(sock);
            Processes.run(List.of("env", "SSH_AUTH_SOCK=" + sock, "ssh-add", t.bobKey.toString()), null, 20)
                    .requireSuccess();
            String bobFingerprint = BastionTestSupport.pub(t.bobKey).fingerprint();
            // the client forwards the agent it uses (ForwardAgent=PATH alone requests nothing in OpenSSH 9.2)
            List<String> forward = List.of("-o", "IdentityAgent=" + sock, "-o", "ForwardAgent=yes");
            Processes.Result l = plain.alice(forward, "ssh-add -l");
            assertTrue(l.out().contains(bobFingerprint), l.toString());
            Processes.Result parallel = plain.alice(forward,
                    "for i in 1 2 3; do ssh-add -L > /tmp/ferry-agent-$$-$i & done; wait; "
                            + "cat /tmp/ferry-agent-$$-*; rm -f /tmp/ferry-agent-$$-*");
            assertEquals(3, parallel.out().split("ssh-ed25519 ", -1).length - 1, parallel.toString());
            long start = System.nanoTime();
            plain.alice(forward, "true").requireSuccess();
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "ssh -A host true must return at once");
        }
    }

    @Test
    void forwardsX11() throws Exception {
        Path socket = Path.of("/tmp/.X11-unix/X77");
        try (Background x = Background.start(List.of("Xvfb", ":77", "-nolisten", "tcp"))) {
            x.awaitFile(socket);
            // the VPS's X client reaches the user's display through an x11 channel the container opens
            Processes.Result r = Processes.run(List.of("env", "DISPLAY=:77", "ssh", "-F", t.alice.config().toString(),
                    "-Y", "-p", Integer.toString(t.port), "vps-web@127.0.0.1",
                    "echo display=$DISPLAY; xdpyinfo | grep -m1 'name of display'"), null, 60);
            assertTrue(r.out().contains("display=localhost:"), r.toString());
            assertTrue(r.out().contains("name of display:    localhost:"), r.toString());
        }
    }

    private static String curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "10"));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, null, 30).requireSuccess().out().strip();
    }
}

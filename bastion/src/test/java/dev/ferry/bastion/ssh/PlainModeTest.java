package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.VpsPrincipals;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain mode against the stock OpenSSH client, with a real sshd as an external VPS that trusts Ferry's
 * user CA: {@code ssh vps-web@bastion ...} is a session in the VPS, as a direct login would be. The VPS is
 * this machine's own sshd, so "inside the VPS" (its loopback, its files) is this machine here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainModeTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String PLAIN_USER = "ferry-plain";

    private BastionTestSupport t;
    private Path dir;
    private SshdFixture sshd;
    private Vps web;
    private HttpFixture http;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        t = opened.add(BastionTestSupport.start(dir));
        List<String> config = new ArrayList<>(t.certificateLogins(dir.resolve("vps")));
        config.addAll(List.of("AcceptEnv FERRY_*", "MaxStartups 100", "X11Forwarding yes"));
        sshd = SshdFixture.start(dir.resolve("vps"), List.of(), config, 0);
        t.closeLater(sshd);
        web = t.host.registry().create(new NewVps("web", Endpoint.parse(sshd.endpoint()),
                List.of(BastionTestSupport.pub(t.aliceKey))));
        sshd.acceptCertificatesFor(web.id());
        http = HttpFixture.start("hello from inside the VPS");
        t.closeLater(http);
    }

    private Processes.Result alice(String... command) {
        return t.sshTo(t.alice, "vps-web", command);
    }

    private Processes.Result alice(List<String> options, String... command) {
        return t.sshTo(t.alice, options, "vps-web", command);
    }

    /** The same command straight to the VPS's sshd, as the certificate's user: what plain mode must equal. */
    private String sshArgsToBastion() {
        return "ssh -F " + t.alice.config() + " -p " + t.port + " vps-web@127.0.0.1";
    }

    @Test
    void runsACommandInTheVps() {
        Processes.Result r = alice("echo hello from $(hostname) as $(id -un)").requireSuccess();
        assertEquals("hello from " + hostname() + " as root", r.out().strip(), r.toString());
    }

    @Test
    void passesExitCodes() {
        for (int code : List.of(0, 1, 3, 255)) {
            assertEquals(code, alice("exit " + code).exit(), "exit " + code);
        }
    }

    @Test
    void noTtyUnlessAskedFor() {
        Processes.Result r = alice("tty");
        assertEquals("not a tty", r.out().strip(), r.toString());
        assertEquals(1, r.exit(), r.toString());
    }

    @Test
    void anInteractiveShellHasATtyThatResizesAndTakesCtrlC() throws Exception {
        Path driver = Path.of(getClass().getResource("/ptydrive.py").toURI());
        List<String> cmd = new ArrayList<>(List.of("python3", driver.toString(), "ssh", "-F",
                t.alice.config().toString(), "-tt", "-p", Integer.toString(t.port), "vps-web@127.0.0.1"));
        Processes.Result r = Processes.run(cmd, null, 120);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("tty ok") && r.out().contains("resize ok") && r.out().contains("ctrl-c ok")
                && r.out().contains("exit 7"), r.toString());
    }

    @Test
    void aProcessKilledByASignalEndsWithExitSignal() throws Exception {
        try (SshClient client = BastionTestSupport.minaClient()) {
            try (ClientSession s = t.login(client, "vps-web", t.aliceKey)) {
                try (ChannelExec exec = s.createExecChannel("echo before; kill -TERM $$")) {
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    exec.setOut(out);
                    exec.open().verify(Duration.ofSeconds(10));
                    exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(20));
                    assertEquals("TERM", exec.getExitSignal(), "exit-signal");
                    assertEquals("before\n", out.toString(StandardCharsets.UTF_8), "the data came before the signal");
                }
            }
        }
    }

    @Test
    void eachRequestGetsTheVpsAnswerAndSignalsReachTheProcess() throws Exception {
        ensureUser(PLAIN_USER); // sshd signals only privilege-separated sessions: not root's
        try (SshClient client = BastionTestSupport.minaClient();
             ClientSession s = t.login(client, "vps-web+" + PLAIN_USER, t.aliceKey)) {
            java.util.concurrent.BlockingQueue<Boolean> answers = new java.util.concurrent.LinkedBlockingQueue<>();
            ChannelExec exec = new ChannelExec("sleep 30; echo finished", null, java.util.Map.of()) {
                @Override
                public void handleSuccess() {
                    answers.add(true);
                }

                @Override
                public void handleFailure() {
                    answers.add(false);
                }
            };
            s.getService(org.apache.sshd.common.session.ConnectionService.class).registerChannel(exec);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            exec.setOut(out);
            exec.open().verify(Duration.ofSeconds(10));
            answers.clear(); // the exec request's own answer, if MINA asked for one
            // sshd refuses break without a tty and a signal it does not know, and accepts TERM: each answer
            // comes back as the VPS gave it, not a blanket yes
            Buffer brk = s.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 32);
            brk.putUInt(exec.getRecipient());
            brk.putString("break");
            brk.putBoolean(true);
            brk.putUInt(100);
            s.writePacket(brk);
            assertEquals(Boolean.FALSE, answers.poll(10, java.util.concurrent.TimeUnit.SECONDS), "break without a tty");
            request(s, exec, "signal", true, "NO-SUCH-SIGNAL");
            assertEquals(Boolean.FALSE, answers.poll(10, java.util.concurrent.TimeUnit.SECONDS), "an unknown signal");
            long start = System.nanoTime();
            request(s, exec, "signal", true, "TERM");
            assertEquals(Boolean.TRUE, answers.poll(10, java.util.concurrent.TimeUnit.SECONDS), "signal TERM");
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(20));
            assertEquals("TERM", exec.getExitSignal());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "the signal ended the process, not its sleep");
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }
    }

    /** A channel request with string arguments, as the OpenSSH client sends them. */
    private static void request(ClientSession s, ChannelExec channel, String name, boolean wantReply, String... args)
            throws java.io.IOException {
        Buffer b = s.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 64);
        b.putUInt(channel.getRecipient());
        b.putString(name);
        b.putBoolean(wantReply);
        for (String a : args) {
            b.putString(a);
        }
        s.writePacket(b);
    }

    @Test
    void stdinSentRightAfterExecArrivesWhole() throws Exception {
        byte[] data = new byte[1 << 20];
        new SecureRandom().nextBytes(data);
        Processes.Result r = Processes.run(List.of("ssh", "-F", t.alice.config().toString(), "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1", "sha256sum; echo done"), data, 60).requireSuccess();
        assertEquals(sha256(data) + "  -\ndone", r.out().strip(), r.toString());
    }

    @Test
    void carries100MiBEachWayExactly() throws Exception {
        Path up = dir.resolve("up.bin");
        writeRandom(up, 100L << 20);
        String remote = dir.resolve("remote-up.bin").toString();
        Processes.Result r = sh(sshArgsToBastion() + " 'cat > " + remote + " && wc -c < " + remote + "' < " + up, 180);
        assertEquals(Long.toString(100L << 20), r.out().strip(), r.toString());
        assertEquals(sha256(up), sha256(Path.of(remote)));

        Path down = dir.resolve("down.bin");
        sh(sshArgsToBastion() + " 'cat " + remote + "' > " + down, 180);
        assertEquals(100L << 20, Files.size(down));
        assertEquals(sha256(up), sha256(down));
    }

    @Test
    void aFastWriterIsBoundByTheReadersWindow() throws Exception {
        // head stops reading: ssh sends eow@openssh.com, cat dies of SIGPIPE and ssh ends (255, as it does
        // straight to sshd: the remote command was killed by a signal)
        Processes.Result r = Processes.run(List.of("bash", "-c", sshArgsToBastion()
                + " 'cat /dev/zero' | head -c 1G | wc -c"), null, 300);
        assertEquals("1073741824", r.out().strip(), r.toString());

        Process p = new ProcessBuilder("ssh", "-F", t.alice.config().toString(), "-p", Integer.toString(t.port),
                "vps-web@127.0.0.1", "cat /dev/zero").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (InputStream in = p.getInputStream()) {
            assertEquals(10 << 20, in.readNBytes(10 << 20).length);
            long before = usedHeapAfterGc();
            // the reader stops: the container must stop with it, not the bastion's heap grow (the stream moved well
            // over 100 MiB/s above, so a Host that buffered what its reader leaves would pass 64 MiB in under a second)
            Thread.sleep(5_000);
            long during = usedHeapAfterGc();
            assertTrue(during - before < 64L << 20, "the Host's heap grew by " + ((during - before) >> 20)
                    + " MiB while the reader stood still");
            assertEquals(50 << 20, in.readNBytes(50 << 20).length, "the stream goes on once the reader reads");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sftpAloneScpAndRsync() throws Exception {
        Path file = dir.resolve("big.bin");
        writeRandom(file, 200L << 20);
        Path remoteDir = Files.createDirectories(dir.resolve("remote-copies"));
        // sftp as the first and only thing on the connection: the subsystem request goes to the VPS
        Path batch = Files.writeString(dir.resolve("batch"), "put " + file + " " + remoteDir.resolve("sftp.bin")
                + "\nget " + remoteDir.resolve("sftp.bin") + " " + dir.resolve("sftp-back.bin") + "\n");
        t.alice.tool("sftp", null, "-b", batch.toString(), "-P", Integer.toString(t.port), "vps-web@127.0.0.1")
                .requireSuccess();
        assertEquals(sha256(file), sha256(dir.resolve("sftp-back.bin")));
        for (String mode : List.of("-s", "-O")) { // scp over sftp (the default) and the legacy protocol
            Path back = dir.resolve("scp-back" + mode + ".bin");
            t.alice.tool("scp", null, mode, "-P", Integer.toString(t.port), file.toString(),
                    "vps-web@127.0.0.1:" + remoteDir.resolve("scp" + mode + ".bin")).requireSuccess();
            t.alice.tool("scp", null, mode, "-P", Integer.toString(t.port),
                    "vps-web@127.0.0.1:" + remoteDir.resolve("scp" + mode + ".bin"), back.toString()).requireSuccess();
            assertEquals(sha256(file), sha256(back), mode);
        }
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(tree.resolve("a.txt"), "alpha");
        Processes.run(List.of("rsync", "-a", "-e", "ssh -F " + t.alice.config() + " -p " + t.port,
                dir.resolve("tree") + "/", "vps-web@127.0.0.1:" + dir.resolve("tree-copy") + "/"), null, 120)
                .requireSuccess();
        assertEquals("alpha", Files.readString(dir.resolve("tree-copy/sub/a.txt")));
    }

    @Test
    void localForwardsReachTheVpsLoopback() throws Exception {
        // -W: one direct-tcpip channel, opened inside the VPS
        Processes.Result w = t.alice.tool("ssh", "GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                "-W", "localhost:" + http.port(), "-p", Integer.toString(t.port), "vps-web@127.0.0.1");
        assertTrue(w.out().contains("hello from inside the VPS"), w.toString());
        // -L and -D, as a person uses them
        int l = SshdFixture.freePort();
        int d = SshdFixture.freePort();
        try (Background ssh = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-N",
                "-o", "ExitOnForwardFailure=yes", "-L", l + ":localhost:" + http.port(), "-D", Integer.toString(d),
                "-p", Integer.toString(t.port), "vps-web@127.0.0.1"))) {
            ssh.awaitPort(l);
            ssh.awaitPort(d);
            assertEquals("hello from inside the VPS", curl("http://127.0.0.1:" + l + "/"));
            assertEquals("hello from inside the VPS", curl("--socks5-hostname", "127.0.0.1:" + d,
                    "http://localhost:" + http.port() + "/"));
        }
    }

    @Test
    void forwardsToAUnixSocketInsideTheVps() throws Exception {
        // direct-streamlocal@openssh.com, as VS Code's remoteServerListenOnSocket uses it
        Path socket = dir.resolve("inside.sock");
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
        Processes.Result r = alice(List.of("-o", "ExitOnForwardFailure=yes", "-R", fixed + ":127.0.0.1:"
                + http.port()), "curl -s http://127.0.0.1:" + fixed + "/");
        assertEquals("hello from inside the VPS", r.out().strip(), r.toString());

        try (Background ssh = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-N",
                "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:" + http.port(), "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1"))) {
            Matcher m = ssh.awaitStderr(Pattern.compile("Allocated port (\\d+) for remote forward"), 20);
            int allocated = Integer.parseInt(m.group(1));
            assertEquals("hello from inside the VPS", curl("http://127.0.0.1:" + allocated + "/"));
        }
    }

    @Test
    void forwardsTheAgent() throws Exception {
        Path sock = dir.resolve("agent.sock");
        try (Background agent = Background.start(List.of("ssh-agent", "-D", "-a", sock.toString()))) {
            agent.awaitFile(sock);
            Processes.run(List.of("env", "SSH_AUTH_SOCK=" + sock, "ssh-add", t.bobKey.toString()), null, 20)
                    .requireSuccess();
            String bobFingerprint = BastionTestSupport.pub(t.bobKey).fingerprint();
            // the client forwards the agent it uses (ForwardAgent=PATH alone requests nothing in OpenSSH 9.2)
            List<String> forward = List.of("-o", "IdentityAgent=" + sock, "-o", "ForwardAgent=yes");
            Processes.Result l = alice(forward, "ssh-add -l");
            assertTrue(l.out().contains(bobFingerprint), l.toString());
            Processes.Result parallel = alice(forward,
                    "for i in 1 2 3; do ssh-add -L > /tmp/ferry-agent-$$-$i & done; wait; "
                            + "cat /tmp/ferry-agent-$$-*; rm -f /tmp/ferry-agent-$$-*");
            assertEquals(3, parallel.out().split("ssh-ed25519 ", -1).length - 1, parallel.toString());
            long start = System.nanoTime();
            alice(forward, "true").requireSuccess();
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

    @Test
    void passesEnvironmentTheVpsAccepts() {
        Processes.Result r = alice(List.of("-o", "SetEnv=FERRY_GREETING=ahoy LC_FERRY=no"),
                "echo ${FERRY_GREETING}-${LC_FERRY}");
        assertEquals("ahoy-", r.out().strip(), r.toString());
    }

    @Test
    void logsInAsTheUserAfterThePlus() throws Exception {
        ensureUser(PLAIN_USER);
        Processes.Result r = t.sshTo(t.alice, "vps-web+" + PLAIN_USER, "id -un").requireSuccess();
        assertEquals(PLAIN_USER, r.out().strip());
        Processes.Result nobody = t.sshTo(t.alice, "vps-web+no-such-user", "id -un");
        assertEquals(255, nobody.exit(), nobody.toString());
        assertTrue(nobody.err().contains("refused the bastion's certificate for user no-such-user: the user does not "
                + "exist there"), nobody.toString());
    }

    @Test
    void fiftySessionsShareOneControlMasterAndOneUpstream() throws Exception {
        // fifty one after another past sshd's MaxSessions of 10: each channel's close goes both ways
        Path sockets = Files.createDirectories(dir.resolve("cm"));
        SshClientFixture c = t.client("master", List.of(t.aliceKey), "Host 127.0.0.1\n    ControlMaster auto\n"
                + "    ControlPath " + sockets + "/%C\n    ControlPersist 30\n");
        long sessionsBefore = t.host.bastionSessions();
        long upstreamBefore = sshd.accepted();
        for (int i = 0; i < 50; i++) {
            assertEquals("n" + i, t.sshTo(c, "vps-web", "echo n" + i).requireSuccess().out().strip());
        }
        assertEquals(1, t.host.bastionSessions() - sessionsBefore, "one bastion connection for all 50");
        assertEquals(1, sshd.accepted() - upstreamBefore, "one upstream connection for all 50");
        c.ssh("-O", "exit", "-p", Integer.toString(t.port), "vps-web@127.0.0.1");
    }

    @Test
    void fiveConnectionsInParallel() {
        List<CompletableFuture<Processes.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            runs.add(CompletableFuture.supplyAsync(() -> alice("sleep 1; echo p" + n)));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals("p" + i, runs.get(i).join().requireSuccess().out().strip());
        }
    }

    @Test
    void aRefusalOfTheVpsReachesTheUserAsAChannelOpenFailure() throws Exception {
        try (BastionTestSupport.Started one = t.startVps("vps-one", "one", List.of(BastionTestSupport.pub(t.aliceKey)),
                "MaxSessions 1")) {
            Path sockets = Files.createDirectories(dir.resolve("cm-one"));
            SshClientFixture c = t.client("one", List.of(t.aliceKey), "Host 127.0.0.1\n    ControlMaster auto\n"
                    + "    ControlPath " + sockets + "/%C\n    ControlPersist 30\n");
            try (Background first = Background.start(List.of("ssh", "-F", c.config().toString(), "-p",
                    Integer.toString(t.port), "vps-one@127.0.0.1", "echo first-in; sleep 20"))) {
                first.awaitStdout("first-in", 20);
                // the mux client reports the refusal (then ssh falls back to a connection of its own)
                Processes.Result second = t.sshTo(c, "vps-one", "echo second");
                assertTrue(second.err().contains("session request failed: Session open refused by peer"),
                        second.toString());
                t.awaitLogged("session refused by the container's sshd (code 2): open failed", 10);
            } finally {
                c.ssh("-O", "exit", "-p", Integer.toString(t.port), "vps-one@127.0.0.1");
            }
        }
    }

    @Test
    void aForgedHostKeyIsRefusedAndLogged() throws Exception {
        int port;
        Vps moving;
        try (BastionTestSupport.Started real = t.startVps("vps-moving", "moving",
                List.of(BastionTestSupport.pub(t.aliceKey)))) {
            port = real.sshd().port();
            moving = real.vps();
            t.sshTo(t.alice, "vps-moving", "true").requireSuccess(); // first contact records its host key
        }
        Path forgedDir = dir.resolve("vps-forged");
        try (SshdFixture forged = SshdFixture.start(forgedDir, List.of(), t.certificateLogins(forgedDir), port)) {
            forged.acceptCertificatesFor(moving.id());
            Processes.Result r = t.sshTo(t.alice, "vps-moving", "echo should-not-run");
            assertEquals(255, r.exit(), r.toString());
            assertFalse(r.out().contains("should-not-run"));
            assertTrue(BastionTestSupport.lastLine(r.err()).startsWith("channel 0: open failed: administratively "
                    + "prohibited: vps-" + moving.id() + "'s sshd presented a host key (" + forged.hostKey()
                    .fingerprint() + ") that is not the one recorded for it"), r.toString());
            assertTrue(t.hostLogText().contains("possible interception"), "the Host logs it");
            assertTrue(r.err().contains("if its host keys were changed on purpose, record the new one: ferry vps "
                    + "host-key " + moving.id() + " --host-key FILE"), r.toString());
            // what that command records: from then on the new key is the one expected
            t.host.registry().replaceHostKey(moving.id(), forged.hostKey().type() + " " + forged.hostKey().base64());
            t.sshTo(t.alice, "vps-moving", "true").requireSuccess();
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
                "-o", "ExitOnForwardFailure=yes", "-L", l + ":localhost:" + http.port(), "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1"))) {
            ssh.awaitPort(l);
            Thread.sleep(8_000); // keepalives every second to the client and to the VPS, three may be missed
            assertTrue(ssh.alive(), "the quiet session must stay");
            assertEquals("hello from inside the VPS", curl("http://127.0.0.1:" + l + "/"));
        }
    }

    @Test
    void certificatesAreBoundToTheirPrincipalAndTime() throws Exception {
        java.security.KeyPair ca = dev.ferry.bastion.host.DataDir.prepare(dir.resolve("host")).userCa();
        java.time.Instant now = java.time.Instant.now();
        String principal = VpsPrincipals.of(web.id());
        assertTrue(directLogin(ca, principal, now, "good").exit() == 0, "a fresh certificate for this VPS works");
        Processes.Result expired = directLogin(ca, principal, now.minus(Duration.ofHours(1)), "expired");
        assertEquals(255, expired.exit(), expired.toString());
        assertTrue(sshd.log().contains("expired") || sshd.log().contains("not yet valid"), sshd.log());
        // the login user is no principal: only the VPS's own is, so a certificate for another VPS, or one naming
        // the user as certificates did before, is refused
        for (String wrong : List.of(VpsPrincipals.of(web.id() + 1), "root")) {
            Processes.Result other = directLogin(ca, wrong, now, "other-" + wrong);
            assertEquals(255, other.exit(), wrong + ": " + other);
        }
        assertTrue(sshd.log().contains("ID test other-" + VpsPrincipals.of(web.id() + 1)), sshd.log());
    }

    /** Logs in to the VPS's sshd directly with a certificate made as the bastion makes them. */
    private Processes.Result directLogin(java.security.KeyPair ca, String principal, java.time.Instant at,
                                         String name) throws Exception {
        java.security.KeyPair id = dev.ferry.keys.UserCertificates.issue(ca, principal, "test " + name, at,
                Duration.ofMinutes(2), Duration.ofMinutes(5));
        org.apache.sshd.common.config.keys.OpenSshCertificate cert =
                (org.apache.sshd.common.config.keys.OpenSshCertificate) id.getPublic();
        Path key = dir.resolve("certs").resolve(name);
        PrivateKeyFiles.write(key, new java.security.KeyPair(cert.getCertPubKey(), id.getPrivate()), name);
        Files.writeString(Path.of(key + "-cert.pub"),
                org.apache.sshd.common.config.keys.PublicKeyEntry.toString(cert) + "\n");
        return Processes.run(List.of("ssh", "-F", "/dev/null", "-i", key.toString(), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-p", Integer.toString(sshd.port()), "root@127.0.0.1", "true"), null, 30);
    }

    private static void ensureUser(String name) {
        if (Processes.run(List.of("id", name), null, 10).exit() != 0) {
            Processes.run(List.of("useradd", "-m", "-s", "/bin/sh", name), null, 30).requireSuccess();
        }
        // useradd locks the account ('!'), which an sshd without PAM refuses even for certificates
        Processes.run(List.of("usermod", "-p", "*", name), null, 30).requireSuccess();
    }

    private static String curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "10"));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, null, 30).requireSuccess().out().strip();
    }

    private static Processes.Result sh(String script, int seconds) {
        return Processes.run(List.of("bash", "-o", "pipefail", "-c", script), null, seconds).requireSuccess();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void writeRandom(Path file, long size) throws Exception {
        byte[] block = new byte[1 << 20];
        SecureRandom random = new SecureRandom();
        try (var out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String hostname() {
        return Processes.run(List.of("hostname"), null, 10).out().strip();
    }
}

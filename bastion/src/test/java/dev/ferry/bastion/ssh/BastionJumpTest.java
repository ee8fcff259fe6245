package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.ssh.frontdoor.Startups;
import dev.ferry.bastion.ssh.route.RegistryRouting;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Processes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bastion against the stock OpenSSH client, with a real sshd as the VPS: every way in, every way
 * it must refuse, and what it logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BastionJumpTest {
    private Path dir;
    private BastionTestSupport support;

    private SshdFixture sshd;
    private Host host;
    private SshClientFixture alice;
    private Path aliceKey;
    private Path bobKey;
    private Path malloryKey;
    private Vps web;
    private Vps db;
    private String bastion;
    private int port;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        support = BastionTestSupport.start(dir);
        host = support.host;
        port = support.port;
        bastion = support.bastion;
        aliceKey = support.aliceKey;
        bobKey = support.bobKey;
        malloryKey = support.malloryKey;
        alice = support.alice;
        SshPublicKey alicePub = BastionTestSupport.pub(aliceKey);
        SshPublicKey bobPub = BastionTestSupport.pub(bobKey);
        // this VPS's sshd does not trust Ferry's user CA: it is reached with ProxyJump only
        sshd = SshdFixture.start(dir.resolve("vps"), List.of(alicePub, bobPub));
        support.closeLater(sshd);
        Endpoint endpoint = Endpoint.parse(sshd.endpoint());
        web = host.registry().create(new NewVps("web", endpoint, List.of(alicePub)));
        db = host.registry().create(new NewVps("db", endpoint, List.of(bobPub)));
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        if (support != null) {
            support.close();
        }
    }

    private static String user() {
        return SshClientFixture.user();
    }

    private SshClientFixture client(String name, List<Path> keys, String extraConfig) throws java.io.IOException {
        return support.client(name, keys, extraConfig);
    }

    private static String lastLine(String s) {
        return BastionTestSupport.lastLine(s);
    }

    @Test
    void jumpsByIdAndRunsACommand() {
        Processes.Result r = alice.ssh("-J", web.sshUser() + "@" + bastion, user() + "@" + web.sshUser(),
                "echo hello-from-the-vps").requireSuccess();
        assertEquals("hello-from-the-vps", r.out().strip());
    }

    @Test
    void jumpsByNameInAnyLetterCase() {
        Processes.Result r = alice.ssh("-J", "VPS-Web@" + bastion, user() + "@vps-WEB", "echo ok").requireSuccess();
        assertEquals("ok", r.out().strip());
    }

    @Test
    void jumpsWithProxyCommandAndStdioForwarding() {
        String proxy = "ssh -F " + alice.config() + " -W %h:%p -p " + port + " vps-web@127.0.0.1";
        Processes.Result r = alice.ssh("-o", "ProxyCommand=" + proxy, user() + "@vps-web", "echo via-w")
                .requireSuccess();
        assertEquals("via-w", r.out().strip());
    }

    @Test
    void genericJumpUserReachesOnlyTheVpsHoldingItsKey() throws Exception {
        SshClientFixture c = client("generic", List.of(aliceKey),
                "Host vps-*\n    User " + user() + "\n    ProxyJump jump@" + bastion + "\n");
        assertEquals("generic", c.ssh("vps-web", "echo generic").requireSuccess().out().strip());
        assertEquals("generic", c.ssh("vps-" + web.id(), "echo generic").requireSuccess().out().strip());
        Processes.Result refused = c.ssh("vps-db", "true");
        assertEquals(255, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("channel 0: open failed: administratively prohibited: "
                + "vps-db is not a VPS your key can reach"), refused.toString());
    }

    @Test
    void perVpsConfigBlockWithProxyJump() throws Exception {
        SshClientFixture c = client("block", List.of(aliceKey),
                "Host web\n    HostName vps-web\n    User " + user() + "\n    ProxyJump vps-web@" + bastion + "\n");
        assertEquals("block", c.ssh("web", "echo block").requireSuccess().out().strip());
    }

    @Test
    void copiesFilesWithScpSftpAndRsync() throws Exception {
        Path local = dir.resolve("payload.bin");
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(42).nextBytes(payload);
        Files.write(local, payload);
        Path remoteDir = Files.createDirectories(dir.resolve("remote"));
        String jump = "-J";
        String via = "vps-web@" + bastion;
        String target = user() + "@vps-web:";

        alice.tool("scp", null, "-q", jump, via, local.toString(), target + remoteDir.resolve("scp.bin")).requireSuccess();
        assertEquals(List.of(payload.length), List.of(Files.readAllBytes(remoteDir.resolve("scp.bin")).length));

        byte[] batch = ("put " + local + " " + remoteDir.resolve("sftp.bin") + "\nget " + remoteDir.resolve("sftp.bin")
                + " " + dir.resolve("back.bin") + "\n").getBytes(StandardCharsets.UTF_8);
        alice.tool("sftp", batch, "-q", jump, via, "-b", "-", user() + "@vps-web").requireSuccess();
        assertTrue(java.util.Arrays.equals(payload, Files.readAllBytes(dir.resolve("back.bin"))));

        String rsh = "ssh -F " + alice.config() + " -J " + via;
        Processes.run(List.of("rsync", "-a", "-e", rsh, local.toString(), target + remoteDir.resolve("rsync.bin")),
                null, 120).requireSuccess();
        assertTrue(java.util.Arrays.equals(payload, Files.readAllBytes(remoteDir.resolve("rsync.bin"))));
    }

    @Test
    void oneControlMasterConnectionCarriesSeveralJumps() throws Exception {
        Path sockets = Files.createDirectories(dir.resolve("cm"));
        SshClientFixture c = client("master", List.of(aliceKey), "Host 127.0.0.1\n    ControlMaster auto\n"
                + "    ControlPath " + sockets + "/%C\n    ControlPersist 60\n");
        long before = host.bastionSessions();
        for (int i = 0; i < 3; i++) {
            assertEquals("m" + i, c.ssh("-J", "vps-web@" + bastion, user() + "@vps-web", "echo m" + i)
                    .requireSuccess().out().strip());
        }
        assertEquals(1, host.bastionSessions() - before, "the three jumps must share one bastion connection");
        c.ssh("-O", "exit", "-p", Integer.toString(port), "vps-web@127.0.0.1");
    }

    @Test
    void wrongKeyUnknownVpsAndMalformedNamesAllGetPermissionDenied() throws Exception {
        SshClientFixture mallory = client("mallory", List.of(malloryKey), null);
        List<String> names = new ArrayList<>(List.of("vps-web", "vps-" + web.id(), "vps-nothere", "vps-",
                "vps-../x", "root", "jump", "vps-web+" + "x".repeat(40), "vps-\u00e9t\u00e9", "vps-" + "a".repeat(200)));
        for (String name : names) {
            Processes.Result r = mallory.ssh("-l", name, "-p", Integer.toString(port), "127.0.0.1", "true");
            String shown = name.length() > 60 ? name.substring(0, 60) + "..." : name;
            assertEquals(255, r.exit(), shown + ": " + r.err());
            assertTrue(lastLine(r.err()).endsWith("Permission denied (publickey)."), shown + ": " + r.err());
        }
    }

    @Test
    void malformedAndForeignNamesAreRefusedEvenWithAKeyThatWorksForVpsWeb() {
        for (String name : List.of("vps-nothere", "vps-db", "vps-", "vps-../x", "root", "vps-w\u00e9b",
                "vps-web.", "vps-" + "a".repeat(200), "vps-" + "w".repeat(10_000))) {
            Processes.Result r = alice.ssh("-l", name, "-p", Integer.toString(port), "127.0.0.1", "true");
            String shown = name.length() > 60 ? name.substring(0, 60) + "..." : name;
            assertEquals(255, r.exit(), shown + ": " + r.err());
            // a logged-in session would be refused a shell ("prohibited"); ssh cuts its messages at 1 KiB
            assertFalse(r.err().contains("prohibited"), shown + ": " + r.err());
            String verdict = lastLine(r.err());
            assertTrue(verdict.endsWith("Permission denied (publickey).")
                    || (name.length() > 1000 && verdict.startsWith(name.substring(0, 500))), shown + ": " + r.err());
        }
    }

    @Test
    void dropsConnectionsNotLoggedInFromOneAddressAtRandomPastTheStart() throws Exception {
        List<Socket> held = new ArrayList<>();
        Startups limits = HostSettings.MAX_STARTUPS_PER_SOURCE.fallback();
        try {
            for (int i = 0; i < limits.start(); i++) {
                Socket s = new Socket("127.0.0.1", port);
                held.add(s);
                s.setSoTimeout(5000);
                assertTrue(banner(s).startsWith("SSH-2.0-"), "connection " + i + " is served");
            }
            // between start and full: some served, some closed at once, more of them the fuller it gets
            int served = 0;
            int between = limits.full() - limits.start();
            for (int i = 0; i < between; i++) {
                Socket s = new Socket("127.0.0.1", port);
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
        assertEquals("in-again", alice.ssh("-J", "vps-web@" + bastion, user() + "@vps-web", "echo in-again")
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
    void aKeyQueryTellsNothingAboutWhichVpsHoldTheKey() throws Exception {
        // only alice's public half, which anyone may have: ssh can merely ask whether the key would do
        Path probe = dir.resolve("probe");
        Files.createDirectories(probe);
        Files.copy(Path.of(aliceKey + ".pub"), probe.resolve("k.pub"));
        List<String> answers = new ArrayList<>();
        for (String user : List.of("vps-web", "jump", "vps-db", "vps-nothere", "vps-../x")) {
            Processes.Result r = alice.ssh("-v", "-o", "IdentityFile=" + probe.resolve("k"), "-o", "IdentitiesOnly=yes",
                    "-o", "BatchMode=yes", "-p", Integer.toString(port), user + "@127.0.0.1", "true");
            assertEquals(255, r.exit(), user + ": " + r);
            answers.add(user + ": " + r.err().contains("Server accepts key"));
        }
        assertEquals(List.of("vps-web: true", "jump: true", "vps-db: true", "vps-nothere: true", "vps-../x: true"),
                answers, "the same answer whether the VPS exists and holds the key or not");
    }

    @Test
    void namesNoOpenSshClientSendsAreRefusedEvenWithAGoodKey() throws Exception {
        java.security.KeyPair key = dev.ferry.keys.PrivateKeyFiles.read(aliceKey);
        try (org.apache.sshd.client.SshClient client = org.apache.sshd.client.SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            assertTrue(authenticates(client, "vps-web", key), "the same client and key must get in as vps-web");
            for (String name : List.of("vps-web\u0001", "vps-web\n", "vps-web\u0000", "vps-web\r\nroot",
                    "vps-w\u00e9b", "\u202evps-web", "vps-web ", "vps-" + "w".repeat(10_000))) {
                assertFalse(authenticates(client, name, key), "accepted " + RegistryRouting.printable(name));
            }
        }
    }

    private boolean authenticates(org.apache.sshd.client.SshClient client, String user, java.security.KeyPair key)
            throws Exception {
        try (org.apache.sshd.client.session.ClientSession s = client.connect(user, "127.0.0.1", port)
                .verify(Duration.ofSeconds(10)).getSession()) {
            s.addPublicKeyIdentity(key);
            return s.auth().await(Duration.ofSeconds(10)) && s.isAuthenticated();
        }
    }

    @Test
    void answersKeepalivesAndUnknownGlobalRequests() throws Exception {
        java.security.KeyPair key = dev.ferry.keys.PrivateKeyFiles.read(aliceKey);
        try (org.apache.sshd.client.SshClient client = org.apache.sshd.client.SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (org.apache.sshd.client.session.ClientSession s = client.connect("vps-web", "127.0.0.1", port)
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
        List<String> earlier = support.audit.loggedIn();
        Process ssh = new ProcessBuilder("ssh", "-F", alice.config().toString(), "-N", "-p", Integer.toString(port),
                "vps-web@127.0.0.1").redirectErrorStream(true).start();
        closeLater.add(ssh::destroyForcibly);
        long pid = ssh.pid();
        String session = support.audit.awaitLogin(earlier, 20);
        Processes.run(List.of("kill", "-STOP", Long.toString(pid)), null, 10).requireSuccess();
        try {
            // keepalive every second, three misses allowed: the bastion gives up within a few seconds
            support.awaitLogged("no answer to 3 keepalives 1 s apart: disconnecting", 20);
            // and it was this session that ended, while its client could not close it
            support.audit.await("session_closed", e -> AuditEvents.has(e, "session", session), 10);
        } finally {
            Processes.run(List.of("kill", "-CONT", Long.toString(pid)), null, 10);
        }
        assertTrue(ssh.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "ssh should see the disconnect");
    }

    @Test
    void onlyPublickeyIsOffered() {
        Processes.Result r = alice.ssh("-o", "PreferredAuthentications=password,keyboard-interactive",
                "-p", Integer.toString(port), "vps-web@127.0.0.1", "true");
        assertEquals(255, r.exit());
        assertTrue(lastLine(r.err()).endsWith("Permission denied (publickey)."), r.toString());
    }

    @Test
    void aClientOfferingAWrongKeyFirstGetsInWithItsSecond() throws Exception {
        SshClientFixture both = client("both", List.of(malloryKey, aliceKey), null);
        assertEquals("second", both.ssh("-J", "vps-web@" + bastion, user() + "@vps-web", "echo second")
                .requireSuccess().out().strip());
    }

    private Processes.Result stdio(String login, String target) {
        return alice.ssh("-W", target, "-p", Integer.toString(port), login + "@127.0.0.1");
    }

    private static void assertRefused(Processes.Result r, String reason) {
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("open failed: " + reason), "expected '" + reason + "' in:\n" + r);
    }

    @Test
    void refusesOtherVpsAndPortsWithTheReason() {
        assertRefused(stdio("vps-web", "vps-db:22"), "administratively prohibited: vps-db is not a VPS your key can reach");
        assertRefused(stdio("vps-web", "vps-nothere:22"),
                "administratively prohibited: vps-nothere is not a VPS your key can reach");
        assertRefused(stdio("vps-web", "vps-web:8888"), "administratively prohibited: vps-" + web.id()
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
            assertRefused(stdio("vps-web", target), "administratively prohibited: vps-" + web.id() + "'s sshd "
                    + "refused the bastion's certificate for user root: the user does not exist there, its account is "
                    + "locked (a '!' password, which sshd without PAM refuses even for keys: usermod -p '*' root), or "
                    + "its sshd does not accept Ferry's certificates for this VPS (it needs the lines 'TrustedUserCAKeys "
                    + "/etc/ssh/ferry_user_ca.pub' and 'AuthorizedPrincipalsFile /etc/ssh/ferry_principals' in its "
                    + "sshd_config, that file naming vps-" + web.id() + ": ferry ca user-key --vps " + web.id()
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
            host.registry().create(new NewVps("canary", new Endpoint("127.0.0.1", registered.getLocalPort()),
                    List.of(SshClientFixture.publicKey(aliceKey))));
            Process p = new ProcessBuilder("ssh", "-F", alice.config().toString(), "-W", "vps-canary:22", "-p",
                    Integer.toString(port), "vps-canary@127.0.0.1").start();
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
        Processes.Result remote = alice.ssh("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:22",
                "-o", "SessionType=none", "-p", Integer.toString(port), "vps-web@127.0.0.1");
        assertEquals(255, remote.exit(), remote.toString());
        assertTrue(remote.err().contains("remote port forwarding failed"), remote.toString());

        Processes.Result shell = alice.ssh("-A", "-p", Integer.toString(port), "vps-web@127.0.0.1", "id");
        assertEquals(255, shell.exit(), shell.toString());
        assertEquals("channel 0: open failed: administratively prohibited: vps-" + web.id() + "'s sshd refused "
                + "the bastion's certificate for user root: the user does not exist there, its account is locked (a "
                + "'!' password, which sshd without PAM refuses even for keys: usermod -p '*' root), or its sshd does "
                + "not accept Ferry's certificates for this VPS (it needs the lines 'TrustedUserCAKeys "
                + "/etc/ssh/ferry_user_ca.pub' and 'AuthorizedPrincipalsFile /etc/ssh/ferry_principals' in its "
                + "sshd_config, that file naming vps-" + web.id() + ": ferry ca user-key --vps " + web.id()
                + " prints what to install)", lastLine(shell.err()), shell.toString());
        assertFalse(shell.out().contains("uid="), "nothing may run on the bastion");
    }

    @Test
    void theJumpUserHasNoShellAndIsToldWhatToType() {
        Processes.Result shell = alice.ssh("-p", Integer.toString(port), "jump@127.0.0.1", "id");
        assertEquals(255, shell.exit(), shell.toString());
        assertEquals("channel 0: open failed: administratively prohibited: the jump user only jumps: it has no "
                + "shell or forwards of its own; log in to the VPS itself: ssh -p " + port + " vps-<id>@127.0.0.1, or "
                + "jump through: ssh -J jump@127.0.0.1:" + port + " root@vps-<id>", lastLine(shell.err()),
                shell.toString());
        assertFalse(shell.out().contains("uid="), "nothing may run on the bastion");
    }

    @Test
    void explainsAVpsThatIsNotRunning() {
        host.registry().updateStatus(VpsRef.ofId(db.id()), VpsStatus.PAUSED);
        try {
            SshClientFixture bob = client("bob", List.of(bobKey), null);
            Processes.Result r = bob.ssh("-J", "vps-db@" + bastion, user() + "@vps-db", "true");
            assertRefused(r, "administratively prohibited: vps-" + db.id() + " is paused; resume it with: "
                    + "ferry vps resume " + db.id());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            host.registry().updateStatus(VpsRef.ofId(db.id()), VpsStatus.RUNNING);
        }
    }

    @Test
    void explainsARefusedEndpoint() throws Exception {
        int closed = SshdFixture.freePort();
        Vps dead = host.registry().create(new NewVps("dead", new Endpoint("127.0.0.1", closed),
                List.of(SshClientFixture.publicKey(aliceKey))));
        Processes.Result r = alice.ssh("-J", "vps-dead@" + bastion, user() + "@vps-dead", "true");
        assertRefused(r, "connect failed: vps-" + dead.id() + ": cannot connect to its sshd at 127.0.0.1:" + closed
                + " (connection refused after ");
    }

    @Test
    void closesAForwardWhoseEndpointAcceptsButNeverSpeaks() throws Exception {
        // the kernel completes the handshake from the backlog; nobody ever writes a banner
        try (ServerSocket mute = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Vps v = host.registry().create(new NewVps("mute", new Endpoint("127.0.0.1", mute.getLocalPort()),
                    List.of(SshClientFixture.publicKey(aliceKey))));
            long t0 = System.nanoTime();
            Processes.Result r = alice.ssh("-J", "vps-mute@" + bastion, user() + "@vps-mute", "true");
            long seconds = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
            String log = Files.readString(dir.resolve("host/logs/ferry-host.log"));
            assertTrue(log.contains("(vps-" + v.id() + "): its sshd sent nothing within 5000 ms of the connect"),
                    "logged why: " + log.lines().filter(l -> l.contains("vps-" + v.id())).toList());
            assertEquals(255, r.exit(), r.toString());
            assertTrue(seconds >= 4 && seconds < 15, "took " + seconds + " s with a 5 s banner timeout");
        }
    }

    @Test
    void explainsAnEndpointWhoseNameDoesNotResolve() throws Exception {
        Vps nowhere = host.registry().create(new NewVps("nowhere", new Endpoint("nonexistent.invalid", 22),
                List.of(SshClientFixture.publicKey(aliceKey))));
        Processes.Result r = alice.ssh("-J", "vps-nowhere@" + bastion, user() + "@vps-nowhere", "true");
        assertRefused(r, "connect failed: vps-" + nowhere.id() + ": cannot connect to its sshd at nonexistent.invalid:22"
                + " (the name nonexistent.invalid does not resolve after ");
    }

    @Test
    void explainsAnEndpointThatNeverAnswersAfterTheConnectTimeout() throws Exception {
        try (BlackHole hole = BlackHole.open()) {
            Vps silent = host.registry().create(new NewVps("silent", new Endpoint("127.0.0.1", hole.port()),
                    List.of(SshClientFixture.publicKey(aliceKey))));
            long start = System.nanoTime();
            Processes.Result r = alice.ssh("-J", "vps-silent@" + bastion, user() + "@vps-silent", "true");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertRefused(r, "connect failed: vps-" + silent.id() + ": cannot connect to its sshd at 127.0.0.1:"
                    + hole.port() + " (no answer within 2");
            assertTrue(r.err().matches("(?s).*no answer within 2\\d{3} ms.*"), "2 s connect timeout: " + r.err());
            assertTrue(seconds < 15, "took " + seconds + " s with a 2 s connect timeout");
        }
    }

    @Test
    void keepsAQuietSessionWhoseClientAnswersKeepalives() throws Exception {
        // the bastion asks every second and gives up after three misses; this session is quiet for 5 s
        Processes.Result r = alice.ssh("-J", "vps-web@" + bastion, user() + "@vps-web", "sleep 5; echo still-here")
                .requireSuccess();
        assertEquals("still-here", r.out().strip());
        // client keepalives to the bastion hop itself (ssh passes no -o to the ProxyJump child): with one
        // unanswered request allowed, a bastion that did not answer would be dropped within 2 s
        SshClientFixture keepalive = client("keepalive", List.of(aliceKey),
                "Host 127.0.0.1\n    ServerAliveInterval 1\n    ServerAliveCountMax 1\n");
        Processes.Result withClientKeepalive = keepalive.ssh("-J", "vps-web@" + bastion, user() + "@vps-web",
                "sleep 4; echo answered").requireSuccess();
        assertEquals("answered", withClientKeepalive.out().strip());
    }

    @Test
    void logsLoginsAndForwardsWithoutKeyMaterial() throws Exception {
        // a VPS of its own, so the forwards counted are this test's alone
        Vps logged = host.registry().create(new NewVps("logged", Endpoint.parse(sshd.endpoint()),
                List.of(SshClientFixture.publicKey(aliceKey))));
        alice.ssh("-J", "vps-logged@" + bastion, user() + "@vps-logged", "head -c 100000 /dev/zero").requireSuccess();
        String fingerprint = SshClientFixture.publicKey(aliceKey).fingerprint();
        JsonNode forward = support.audit.await("forward", e -> AuditEvents.has(e, "vps", logged.sshUser()), 10);
        assertEquals(fingerprint, forward.path("key").asText(), forward.toString());
        Thread.sleep(500);
        assertEquals(1, support.audit.named("forward", e -> AuditEvents.has(e, "vps", logged.sshUser())).size(),
                "one audit event per forward");
        String log = support.hostLogText();
        assertTrue(log.contains("vps-logged from 127.0.0.1:") && log.contains("login with key " + fingerprint), log);
        assertTrue(log.matches("(?s).*forward vps-logged:22 -> " + sshd.endpoint().replace(".", "\\.")
                + " \\(vps-" + logged.id() + "\\) with key " + java.util.regex.Pattern.quote(fingerprint)
                + " closed: \\d+ bytes to the VPS, \\d{6,} bytes from it, \\d+ ms.*"), log);
        String aliceBlob = SshClientFixture.publicKey(aliceKey).base64();
        assertFalse(log.contains(aliceBlob), "public key material in the log");
        assertFalse(log.contains(Files.readString(dir.resolve("host/admin.token")).strip()), "token in the log");
    }
}

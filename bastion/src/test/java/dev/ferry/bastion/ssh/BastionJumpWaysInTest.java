package dev.ferry.bastion.ssh;

import static dev.ferry.bastion.ssh.SshClientFixture.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways through the bastion with the stock OpenSSH client and a real sshd as the VPS: ProxyJump by id or name,
 * ProxyCommand with -W, the generic jump user, a config block, file copies, one ControlMaster for several jumps, a
 * second key after a wrong first, and what the Host logs of logins and forwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BastionJumpWaysInTest {
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
    void jumpsByIdAndRunsACommand() {
        Processes.Result r = t.alice.ssh("-J", vps.web.sshUser() + "@" + t.bastion, user() + "@" + vps.web.sshUser(),
                "echo hello-from-the-vps").requireSuccess();
        assertEquals("hello-from-the-vps", r.out().strip());
    }

    @Test
    void jumpsByNameInAnyLetterCase() {
        Processes.Result r = t.alice.ssh("-J", "VPS-Web@" + t.bastion, user() + "@vps-WEB", "echo ok").requireSuccess();
        assertEquals("ok", r.out().strip());
    }

    @Test
    void jumpsWithProxyCommandAndStdioForwarding() {
        String proxy = "ssh -F " + t.alice.config() + " -W %h:%p -p " + t.port + " vps-web@127.0.0.1";
        Processes.Result r = t.alice.ssh("-o", "ProxyCommand=" + proxy, user() + "@vps-web", "echo via-w")
                .requireSuccess();
        assertEquals("via-w", r.out().strip());
    }

    @Test
    void genericJumpUserReachesOnlyTheVpsHoldingItsKey() throws Exception {
        SshClientFixture c = t.client("generic", List.of(t.aliceKey),
                "Host vps-*\n    User " + user() + "\n    ProxyJump jump@" + t.bastion + "\n");
        assertEquals("generic", c.ssh("vps-web", "echo generic").requireSuccess().out().strip());
        assertEquals("generic", c.ssh("vps-" + vps.web.id(), "echo generic").requireSuccess().out().strip());
        Processes.Result refused = c.ssh("vps-db", "true");
        assertEquals(255, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("channel 0: open failed: administratively prohibited: "
                + "vps-db is not a VPS your key can reach"), refused.toString());
    }

    @Test
    void perVpsConfigBlockWithProxyJump() throws Exception {
        SshClientFixture c = t.client("block", List.of(t.aliceKey),
                "Host web\n    HostName vps-web\n    User " + user() + "\n    ProxyJump vps-web@" + t.bastion + "\n");
        assertEquals("block", c.ssh("web", "echo block").requireSuccess().out().strip());
    }

    @Test
    void copiesFilesWithScpSftpAndRsync() throws Exception {
        Path local = t.dir.resolve("payload.bin");
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(42).nextBytes(payload);
        Files.write(local, payload);
        Path remoteDir = Files.createDirectories(t.dir.resolve("remote"));
        String jump = "-J";
        String via = "vps-web@" + t.bastion;
        String target = user() + "@vps-web:";

        t.alice.tool("scp", null, "-q", jump, via, local.toString(), target + remoteDir.resolve("scp.bin")).requireSuccess();
        assertEquals(List.of(payload.length), List.of(Files.readAllBytes(remoteDir.resolve("scp.bin")).length));

        byte[] batch = ("put " + local + " " + remoteDir.resolve("sftp.bin") + "\nget " + remoteDir.resolve("sftp.bin")
                + " " + t.dir.resolve("back.bin") + "\n").getBytes(StandardCharsets.UTF_8);
        t.alice.tool("sftp", batch, "-q", jump, via, "-b", "-", user() + "@vps-web").requireSuccess();
        assertTrue(java.util.Arrays.equals(payload, Files.readAllBytes(t.dir.resolve("back.bin"))));

        String rsh = "ssh -F " + t.alice.config() + " -J " + via;
        Processes.run(List.of("rsync", "-a", "-e", rsh, local.toString(), target + remoteDir.resolve("rsync.bin")),
                null, 120).requireSuccess();
        assertTrue(java.util.Arrays.equals(payload, Files.readAllBytes(remoteDir.resolve("rsync.bin"))));
    }

    @Test
    void oneControlMasterConnectionCarriesSeveralJumps() throws Exception {
        Path sockets = Files.createDirectories(t.dir.resolve("cm"));
        SshClientFixture c = t.client("master", List.of(t.aliceKey), "Host 127.0.0.1\n    ControlMaster auto\n"
                + "    ControlPath " + sockets + "/%C\n    ControlPersist 60\n");
        long before = t.host.bastionSessions();
        for (int i = 0; i < 3; i++) {
            assertEquals("m" + i, c.ssh("-J", "vps-web@" + t.bastion, user() + "@vps-web", "echo m" + i)
                    .requireSuccess().out().strip());
        }
        assertEquals(1, t.host.bastionSessions() - before, "the three jumps must share one bastion connection");
        c.ssh("-O", "exit", "-p", Integer.toString(t.port), "vps-web@127.0.0.1");
    }

    @Test
    void aClientOfferingAWrongKeyFirstGetsInWithItsSecond() throws Exception {
        SshClientFixture both = t.client("both", List.of(t.malloryKey, t.aliceKey), null);
        assertEquals("second", both.ssh("-J", "vps-web@" + t.bastion, user() + "@vps-web", "echo second")
                .requireSuccess().out().strip());
    }

    @Test
    void logsLoginsAndForwardsWithoutKeyMaterial() throws Exception {
        // a VPS of its own, so the forwards counted are this test's alone
        Vps logged = t.host.registry().create(new NewVps("logged", Endpoint.parse(vps.sshd.endpoint()),
                List.of(SshClientFixture.publicKey(t.aliceKey))));
        t.alice.ssh("-J", "vps-logged@" + t.bastion, user() + "@vps-logged", "head -c 100000 /dev/zero")
                .requireSuccess();
        String fingerprint = SshClientFixture.publicKey(t.aliceKey).fingerprint();
        JsonNode forward = t.audit.await("forward", e -> AuditEvents.has(e, "vps", logged.sshUser()), 10);
        assertEquals(fingerprint, forward.path("key").asText(), forward.toString());
        Thread.sleep(500);
        assertEquals(1, t.audit.named("forward", e -> AuditEvents.has(e, "vps", logged.sshUser())).size(),
                "one audit event per forward");
        String log = t.hostLogText();
        assertTrue(log.contains("vps-logged from 127.0.0.1:") && log.contains("login with key " + fingerprint), log);
        assertTrue(log.matches("(?s).*forward vps-logged:22 -> " + vps.sshd.endpoint().replace(".", "\\.")
                + " \\(vps-" + logged.id() + "\\) with key " + java.util.regex.Pattern.quote(fingerprint)
                + " closed: \\d+ bytes to the VPS, \\d{6,} bytes from it, \\d+ ms.*"), log);
        String aliceBlob = SshClientFixture.publicKey(t.aliceKey).base64();
        assertFalse(log.contains(aliceBlob), "public key material in the log");
        assertFalse(log.contains(Files.readString(t.dir.resolve("host/admin.token")).strip()), "token in the log");
    }
}

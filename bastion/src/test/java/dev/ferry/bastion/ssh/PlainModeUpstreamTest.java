package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Vps;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.VpsPrincipals;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain mode's connections to the VPS: fifty sessions of one ControlMaster over one upstream, connections in
 * parallel, a refusal of the VPS passed on, a forged host key refused, and the certificates the VPS accepts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainModeUpstreamTest {
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
    void fiftySessionsShareOneControlMasterAndOneUpstream() throws Exception {
        // fifty one after another past sshd's MaxSessions of 10: each channel's close goes both ways
        Path sockets = Files.createDirectories(plain.dir.resolve("cm"));
        SshClientFixture c = t.client("master", List.of(t.aliceKey), "Host 127.0.0.1\n    ControlMaster auto\n"
                + "    ControlPath " + sockets + "/%C\n    ControlPersist 30\n");
        long sessionsBefore = t.host.bastionSessions();
        long upstreamBefore = plain.sshd.accepted();
        for (int i = 0; i < 50; i++) {
            assertEquals("n" + i, t.sshTo(c, "vps-web", "echo n" + i).requireSuccess().out().strip());
        }
        assertEquals(1, t.host.bastionSessions() - sessionsBefore, "one bastion connection for all 50");
        assertEquals(1, plain.sshd.accepted() - upstreamBefore, "one upstream connection for all 50");
        c.ssh("-O", "exit", "-p", Integer.toString(t.port), "vps-web@127.0.0.1");
    }

    @Test
    void fiveConnectionsInParallel() {
        List<CompletableFuture<Processes.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            runs.add(CompletableFuture.supplyAsync(() -> plain.alice("sleep 1; echo p" + n)));
        }
        for (int i = 0; i < 5; i++) {
            assertEquals("p" + i, runs.get(i).join().requireSuccess().out().strip());
        }
    }

    @Test
    void aRefusalOfTheVpsReachesTheUserAsAChannelOpenFailure() throws Exception {
        try (BastionTestSupport.Started one = t.startVps("vps-one", "one", List.of(BastionTestSupport.pub(t.aliceKey)),
                "MaxSessions 1")) {
            Path sockets = Files.createDirectories(plain.dir.resolve("cm-one"));
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
        Path forgedDir = plain.dir.resolve("vps-forged");
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
    void certificatesAreBoundToTheirPrincipalAndTime() throws Exception {
        java.security.KeyPair ca = dev.ferry.bastion.host.DataDir.prepare(plain.dir.resolve("host")).userCa();
        java.time.Instant now = java.time.Instant.now();
        String principal = VpsPrincipals.of(plain.web.id());
        assertTrue(directLogin(ca, principal, now, "good").exit() == 0, "a fresh certificate for this VPS works");
        Processes.Result expired = directLogin(ca, principal, now.minus(Duration.ofHours(1)), "expired");
        assertEquals(255, expired.exit(), expired.toString());
        assertTrue(plain.sshd.log().contains("expired") || plain.sshd.log().contains("not yet valid"),
                plain.sshd.log());
        // the login user is no principal: only the VPS's own is, so a certificate for another VPS, or one naming
        // the user as certificates did before, is refused
        for (String wrong : List.of(VpsPrincipals.of(plain.web.id() + 1), "root")) {
            Processes.Result other = directLogin(ca, wrong, now, "other-" + wrong);
            assertEquals(255, other.exit(), wrong + ": " + other);
        }
        assertTrue(plain.sshd.log().contains("ID test other-" + VpsPrincipals.of(plain.web.id() + 1)),
                plain.sshd.log());
    }

    /** Logs in to the VPS's sshd directly with a certificate made as the bastion makes them. */
    private Processes.Result directLogin(java.security.KeyPair ca, String principal, java.time.Instant at,
                                         String name) throws Exception {
        java.security.KeyPair id = dev.ferry.keys.UserCertificates.issue(ca, principal, "test " + name, at,
                Duration.ofMinutes(2), Duration.ofMinutes(5));
        org.apache.sshd.common.config.keys.OpenSshCertificate cert =
                (org.apache.sshd.common.config.keys.OpenSshCertificate) id.getPublic();
        Path key = plain.dir.resolve("certs").resolve(name);
        PrivateKeyFiles.write(key, new java.security.KeyPair(cert.getCertPubKey(), id.getPrivate()), name);
        Files.writeString(Path.of(key + "-cert.pub"),
                org.apache.sshd.common.config.keys.PublicKeyEntry.toString(cert) + "\n");
        return Processes.run(List.of("ssh", "-F", "/dev/null", "-i", key.toString(), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-p", Integer.toString(plain.sshd.port()), "root@127.0.0.1", "true"), null, 30);
    }
}

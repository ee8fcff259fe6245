package dev.ferry.bastion.ssh;

import static dev.ferry.bastion.ssh.BastionTestSupport.lastLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.ssh.route.RegistryRouting;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Files;
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
 * Logins the bastion refuses, all alike: a wrong key, an unknown VPS, a malformed or foreign name, a name no OpenSSH
 * client sends, anything but publickey; and a key query that tells nothing about which VPS hold the key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BastionJumpLoginRefusalsTest {
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
    void wrongKeyUnknownVpsAndMalformedNamesAllGetPermissionDenied() throws Exception {
        SshClientFixture mallory = t.client("mallory", List.of(t.malloryKey), null);
        List<String> names = new ArrayList<>(List.of("vps-web", "vps-" + vps.web.id(), "vps-nothere", "vps-",
                "vps-../x", "root", "jump", "vps-web+" + "x".repeat(40), "vps-\u00e9t\u00e9", "vps-" + "a".repeat(200)));
        for (String name : names) {
            Processes.Result r = mallory.ssh("-l", name, "-p", Integer.toString(t.port), "127.0.0.1", "true");
            String shown = name.length() > 60 ? name.substring(0, 60) + "..." : name;
            assertEquals(255, r.exit(), shown + ": " + r.err());
            assertTrue(lastLine(r.err()).endsWith("Permission denied (publickey)."), shown + ": " + r.err());
        }
    }

    @Test
    void malformedAndForeignNamesAreRefusedEvenWithAKeyThatWorksForVpsWeb() {
        for (String name : List.of("vps-nothere", "vps-db", "vps-", "vps-../x", "root", "vps-w\u00e9b",
                "vps-web.", "vps-" + "a".repeat(200), "vps-" + "w".repeat(10_000))) {
            Processes.Result r = t.alice.ssh("-l", name, "-p", Integer.toString(t.port), "127.0.0.1", "true");
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
    void aKeyQueryTellsNothingAboutWhichVpsHoldTheKey() throws Exception {
        // only alice's public half, which anyone may have: ssh can merely ask whether the key would do
        Path probe = t.dir.resolve("probe");
        Files.createDirectories(probe);
        Files.copy(Path.of(t.aliceKey + ".pub"), probe.resolve("k.pub"));
        List<String> answers = new ArrayList<>();
        for (String user : List.of("vps-web", "jump", "vps-db", "vps-nothere", "vps-../x")) {
            Processes.Result r = t.alice.ssh("-v", "-o", "IdentityFile=" + probe.resolve("k"), "-o",
                    "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-p", Integer.toString(t.port), user + "@127.0.0.1", "true");
            assertEquals(255, r.exit(), user + ": " + r);
            answers.add(user + ": " + r.err().contains("Server accepts key"));
        }
        assertEquals(List.of("vps-web: true", "jump: true", "vps-db: true", "vps-nothere: true", "vps-../x: true"),
                answers, "the same answer whether the VPS exists and holds the key or not");
    }

    @Test
    void namesNoOpenSshClientSendsAreRefusedEvenWithAGoodKey() throws Exception {
        java.security.KeyPair key = dev.ferry.keys.PrivateKeyFiles.read(t.aliceKey);
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
        try (org.apache.sshd.client.session.ClientSession s = client.connect(user, "127.0.0.1", t.port)
                .verify(Duration.ofSeconds(10)).getSession()) {
            s.addPublicKeyIdentity(key);
            return s.auth().await(Duration.ofSeconds(10)) && s.isAuthenticated();
        }
    }

    @Test
    void onlyPublickeyIsOffered() {
        Processes.Result r = t.alice.ssh("-o", "PreferredAuthentications=password,keyboard-interactive",
                "-p", Integer.toString(t.port), "vps-web@127.0.0.1", "true");
        assertEquals(255, r.exit());
        assertTrue(lastLine(r.err()).endsWith("Permission denied (publickey)."), r.toString());
    }
}

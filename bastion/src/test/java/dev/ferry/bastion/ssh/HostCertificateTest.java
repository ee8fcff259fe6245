package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.host.KnownHosts;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.keys.CertAuthorityLine;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bastion's host certificate against the stock OpenSSH client with {@code StrictHostKeyChecking yes} and a
 * known_hosts file that holds nothing but {@code @cert-authority} lines: no prompt, no pinned key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostCertificateTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        t = opened.add(BastionTestSupport.start(dir));
        t.startWebVps();
    }

    /** Alice's client, strict, with a known_hosts file of these lines only. */
    private SshClientFixture strict(String name, List<String> knownHosts, String... extra) throws Exception {
        Path file = dir.resolve(name + ".known_hosts");
        Files.write(file, knownHosts);
        String config = "StrictHostKeyChecking yes\nUserKnownHostsFile " + file + "\nGlobalKnownHostsFile /dev/null\n"
                + "UpdateHostKeys no\n" + String.join("\n", extra) + "\n";
        return t.client(name, List.of(t.aliceKey), config);
    }

    private PublicKey hostCa() throws Exception {
        return DataDir.prepare(dir.resolve("host")).hostCa().getPublic();
    }

    @Test
    void aPlainLoginTrustsTheBastionThroughTheLinesAlone() throws Exception {
        SshClientFixture c = strict("trusting", t.host.knownHosts());
        Path file = dir.resolve("trusting.known_hosts");
        byte[] before = Files.readAllBytes(file);
        for (String name : List.of("127.0.0.1", "localhost")) {
            Processes.Result r = c.ssh("-v", "-p", Integer.toString(t.port), "vps-web@" + name, "echo", "inside");
            assertEquals(0, r.exit(), name + ": " + r);
            assertEquals("inside", r.out().strip());
            assertTrue(r.err().contains("matches the ED25519-CERT host certificate"), name + ": " + r.err());
        }
        assertEquals(new String(before), Files.readString(file), "nothing was added to known_hosts");
    }

    @Test
    void theRsaHostKeyIsCertifiedToo() throws Exception {
        SshClientFixture c = strict("rsa", t.host.knownHosts(), "HostKeyAlgorithms rsa-sha2-512-cert-v01@openssh.com");
        Processes.Result r = t.sshTo(c, "vps-web", "echo", "inside");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("inside", r.out().strip());
    }

    @Test
    void aBastionCertifiedByAnotherCaIsRefused() throws Exception {
        PublicKey otherCa = KeyPairs.generate().getPublic();
        SshClientFixture c = strict("other-ca", KnownHosts.lines(List.of("127.0.0.1"), t.port, otherCa));
        Processes.Result r = t.sshTo(c, List.of("-v"), "vps-web", "echo", "inside");
        assertNotEquals(0, r.exit(), r.toString());
        // the client was shown the certificate, found its CA untrusted, and had no plain key to fall back to
        assertTrue(r.err().contains("Server host certificate: ssh-ed25519-cert-v01@openssh.com"), r.err());
        assertTrue(r.err().contains("No matching CA found"), r.err());
        assertEquals("Host key verification failed.", BastionTestSupport.lastLine(r.err()));
        assertFalse(r.out().contains("inside"));
    }

    @Test
    void aNameTheCertificateDoesNotListIsRefused() throws Exception {
        // HostKeyAlias makes ssh check the certificate for that name, as if the bastion had been reached by it
        SshPublicKey ca = SshPublicKey.of(hostCa(), "");
        SshClientFixture c = strict("unlisted", List.of(CertAuthorityLine.of(List.of("elsewhere.example"), ca)),
                "HostKeyAlias elsewhere.example");
        Processes.Result r = t.sshTo(c, "vps-web", "echo", "inside");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("Certificate invalid: name is not a listed principal"), r.err());
        assertEquals("Host key verification failed.", BastionTestSupport.lastLine(r.err()));
    }

    @Test
    void aUserCertificateIsStillRefused() throws Exception {
        // the session now offers certificate algorithms for host keys; user keys must stay plain keys
        KeyPair alice = PrivateKeyFiles.read(t.aliceKey);
        OpenSshCertificate cert = OpenSshCertificateBuilder.userCertificate().publicKey(alice.getPublic())
                .serial(1).id("alice").principals(List.of("vps-web")).sign(KeyPairs.generate());
        try (SshClient client = BastionTestSupport.minaClient();
             ClientSession s = client.connect("vps-web", "127.0.0.1", t.port).verify(Duration.ofSeconds(20))
                     .getSession()) {
            s.addPublicKeyIdentity(new KeyPair(cert, alice.getPrivate()));
            assertThrows(SshException.class, () -> s.auth().verify(Duration.ofSeconds(20)));
        }
        // the same key plain is alice's and logs in
        try (SshClient client = BastionTestSupport.minaClient();
             ClientSession s = t.login(client, "vps-web", t.aliceKey)) {
            assertTrue(s.isAuthenticated());
        }
    }

    @Test
    void configuredPrincipalsReplaceTheDefaults() throws Exception {
        Path data = dir.resolve("named");
        try (Host named = Host.start(TestRegistries.of(HostConfig.defaults(data).withListeners("127.0.0.1", 0,
                "127.0.0.1", 0).with(HostSettings.HOST_CERT_PRINCIPALS, List.of("Bastion.Test"))))) {
            int port = named.sshAddress().getPort();
            SshPublicKey ca = SshPublicKey.of(DataDir.prepare(data).hostCa().getPublic(), "ferry-host-ca");
            assertEquals(CertAuthorityLine.of(List.of("[bastion.test]:" + port), ca), named.knownHosts().get(0));
            // reached as bastion.test: the certificate holds; the key is no VPS's, so the login itself is refused
            SshClientFixture byName = strict("by-name", List.of(CertAuthorityLine.of(List.of("bastion.test"), ca)),
                    "HostKeyAlias bastion.test");
            Processes.Result r = byName.ssh("-v", "-p", Integer.toString(port), "vps-web@127.0.0.1", "true");
            assertTrue(r.err().contains("Host 'bastion.test' is known and matches the ED25519-CERT host certificate"),
                    r.err());
            assertEquals("vps-web@127.0.0.1: Permission denied (publickey).", BastionTestSupport.lastLine(r.err()));
            // reached as 127.0.0.1, a default no longer listed: refused
            SshClientFixture byAddress = strict("by-address",
                    List.of(CertAuthorityLine.of(List.of("[127.0.0.1]:" + port), ca)));
            Processes.Result refused = byAddress.ssh("-p", Integer.toString(port), "vps-web@127.0.0.1", "true");
            assertTrue(refused.err().contains("Certificate invalid: name is not a listed principal"), refused.err());
            assertEquals("Host key verification failed.", BastionTestSupport.lastLine(refused.err()));
        }
    }
}

package dev.ferry.bastion.ssh.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.ssh.Bastion;
import dev.ferry.bastion.ssh.BastionSettings;
import dev.ferry.bastion.ssh.route.Login;
import dev.ferry.bastion.ssh.route.Route;
import dev.ferry.bastion.ssh.route.Routing;
import dev.ferry.bastion.vps.DialGuard;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.KeyType;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry is asked about a key only once its holder proved it: a wrong signature is refused before, so it
 * costs the same whether some VPS holds the key or not (no timing oracle). A hand-written Routing counts the
 * questions; the SSH on both sides is real (the bastion, and MINA's client signing with the wrong private key).
 */
class SignatureFirstTest {
    @TempDir
    Path dir;

    /** Holds one key for vps-web and counts how often it is asked. */
    private static final class CountingRouting implements Routing {
        final AtomicInteger asked = new AtomicInteger();
        final String held;

        CountingRouting(String held) {
            this.held = held;
        }

        @Override
        public Optional<Login> admit(Login login, String fingerprint) {
            asked.incrementAndGet();
            return held.equals(fingerprint) ? Optional.of(login) : Optional.empty();
        }

        @Override
        public Map<Access, Revoked> revoked(Set<Access> held) {
            return Map.of();
        }

        @Override
        public Route directTcpip(Login login, String fingerprint, String host, int port) {
            return new Route.Refuse("not in this test");
        }

        @Override
        public Route inside(Login login, String fingerprint, Purpose purpose) {
            return new Route.Refuse("not in this test");
        }

        @Override
        public String recordHostKey(long vpsId, String hostKey) {
            return null;
        }
    }

    @Test
    void aWrongSignatureIsRefusedBeforeTheRegistryIsAsked() throws Exception {
        for (KeyType type : List.of(KeyType.ED25519, KeyType.RSA)) {
            KeyPair held = KeyPairs.generate(type);
            KeyPair other = KeyPairs.generate(type);
            Path hostKey = dir.resolve("host_" + type);
            PrivateKeyFiles.write(hostKey, KeyPairs.generate(KeyType.ED25519), "test");
            CountingRouting routing = new CountingRouting(SshPublicKey.of(held.getPublic(), "").fingerprint());
            try (Bastion bastion = Bastion.start(new BastionSettings("127.0.0.1", 0, List.of(hostKey),
                    Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ZERO, 3,
                    HostConfig.defaults(dir).frontDoor(), List.of()),
                    routing, KeyPairs.generate(), null, new DialGuard(), new AtomicLong()::incrementAndGet, null);
                 SshClient client = SshClient.setUpDefaultClient()) {
                client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
                client.start();
                int port = bastion.address().getPort();
                // the public key some VPS holds, signed with another private key: it proves nothing
                assertThrows(SshException.class, () -> login(client, port, new KeyPair(held.getPublic(),
                        other.getPrivate())), type.toString());
                assertEquals(0, routing.asked.get(), type + ": the registry was asked about an unproved key");
                // the real pair: one question, and in
                try (ClientSession s = login(client, port, held)) {
                    assertTrue(s.isAuthenticated());
                }
                assertEquals(1, routing.asked.get(), type.toString());
            }
        }
    }

    private static ClientSession login(SshClient client, int port, KeyPair identity) throws Exception {
        ClientSession s = client.connect("vps-web", "127.0.0.1", port).verify(Duration.ofSeconds(10)).getSession();
        try {
            s.addPublicKeyIdentity(identity);
            s.auth().verify(Duration.ofSeconds(10));
            return s;
        } catch (Exception | Error e) {
            s.close(true);
            throw e;
        }
    }
}

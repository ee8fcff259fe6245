package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.agent.host.HostException;
import dev.ferry.agent.host.HttpHostLink;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.keys.tls.TlsPin;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterAnswer;
import dev.ferry.protocol.RegisterRequest;
import dev.ferry.testing.Opened;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry host rotate} (issue 18, 4) against a Host whose API speaks TLS, on either store: the old secret
 * stops working at once, the new one works, and the command says what the rotation breaks.
 */
class HostRotateTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private Path dataDir;
    private Host host;

    @BeforeEach
    void start() throws Exception {
        dataDir = home.resolve("data");
        host = opened.add(Host.start(TestRegistries.of(HostConfig.defaults(dataDir).withListeners("127.0.0.1", 0, "127.0.0.1", 0)
                .with(HostSettings.API_TLS, true))));
    }

    private String file(String name) throws Exception {
        return Files.readString(dataDir.resolve(name)).strip();
    }

    private CliTestSupport.Result ferry(String token, TlsPin pin, String... args) {
        return CliTestSupport.run(Map.of("FERRY_HOST", host.apiUrl(), "FERRY_TOKEN", token, "FERRY_HOST_FINGERPRINT",
                pin.toString()), home, args);
    }

    @Test
    void theOldAdminTokenStopsWorkingAndTheNewOneWorks() throws Exception {
        String old = file("admin.token");
        TlsPin pin = host.apiFingerprint();
        CliTestSupport.Result r = ferry(old, pin, "host", "rotate", "admin-token");
        assertEquals(0, r.code(), r.toString());
        String now = file("admin.token");
        assertNotEquals(old, now);
        assertTrue(r.out().startsWith("admin-token rotated on every Host of the registry\nnew token: " + now
                + " (shown once here; each Host keeps it in its data directory)\nwhat this breaks: clients that send "
                + "the old admin token"), r.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dataDir.resolve("admin.token"))));
        assertEquals(ExitCodes.UNAUTHORIZED, ferry(old, pin, "vps", "list").code(), "the old token");
        assertEquals(0, ferry(now, pin, "vps", "list").code(), "the new token");
    }

    @Test
    void theOldRunnerTokenEnrollsNoMoreWhileEnrolledRunnersGoOn() throws Exception {
        TlsPin pin = host.apiFingerprint();
        String old = file("runner.token");
        HttpHostLink link = new HttpHostLink(URI.create(host.apiUrl()), HttpHostLink.DEFAULT_TIMEOUT, pin);
        String credential = Credentials.create();
        link.enroll(old, new EnrollRequest("r1", "127.0.0.1", 32768, 60999, Credentials.digest(credential)));
        RegisterAnswer reg = link.register(credential, new RegisterRequest("r1", "127.0.0.1", 2, 1024L,
                DockerStatus.up("28.2")));

        CliTestSupport.Result r = ferry(file("admin.token"), pin, "host", "rotate", "runner-token");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("what this breaks: runners that enroll from now on need the new runner.token; "
                + "enrolled runners keep their own credentials and notice nothing"), r.out());
        String other = Credentials.create();
        assertThrows(HostException.class, () -> link.enroll(old, new EnrollRequest("r2", "127.0.0.1", 32768, 60999,
                Credentials.digest(other))), "the old join token");
        link.enroll(file("runner.token"), new EnrollRequest("r2", "127.0.0.1", 32768, 60999,
                Credentials.digest(other)));
        link.heartbeat(credential, "r1", new HeartbeatRequest(DockerStatus.up("28.2"), List.of(), reg.session()));
    }

    @Test
    void theApiKeyIsNewAndOnlyItsFingerprintIsTrusted() throws Exception {
        String token = file("admin.token");
        TlsPin old = host.apiFingerprint();
        CliTestSupport.Result r = ferry(token, old, "host", "rotate", "api-tls");
        assertEquals(0, r.code(), r.toString());
        TlsPin now = host.apiFingerprint();
        assertNotEquals(old, now);
        assertTrue(r.out().contains("new API fingerprint: " + now + "\n"), r.out());
        assertTrue(r.out().contains("what this breaks: runners and CLIs that pin the old fingerprint refuse the Host "
                + "until they are given the new one"), r.out());
        CliTestSupport.Result pinnedOld = ferry(token, old, "vps", "list");
        assertNotEquals(0, pinnedOld.code(), pinnedOld.toString());
        assertTrue(pinnedOld.err().contains(now.toString()), "the refusal names the key the Host shows: " + pinnedOld);
        assertEquals(0, ferry(token, now, "vps", "list").code(), "the new fingerprint");
    }

    @Test
    void anUnknownSecretIsRefusedWithTheOnesThereAre() throws Exception {
        String token = file("admin.token");
        CliTestSupport.Result r = ferry(token, host.apiFingerprint(), "host", "rotate", "passwords");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("'passwords' is no secret the Host rotates; these are: admin-token, runner-token, "
                + "metrics-token, api-tls"), r.err());
        assertEquals(token, file("admin.token"), "nothing rotated");
    }
}

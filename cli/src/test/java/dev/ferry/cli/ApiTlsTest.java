package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.agent.RunnerConfig;
import dev.ferry.agent.host.HostException;
import dev.ferry.agent.host.HttpHostLink;
import dev.ferry.bastion.host.ApiTls;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.tls.TlsPin;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatAnswer;
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

/** The control API over real TLS (forced on loopback), its runner and CLI clients pinning the Host's key. */
class ApiTlsTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    /** Some other key's pin: what a man in the middle would present. */
    private static final TlsPin WRONG = TlsPin.of(KeyPairs.generate().getPublic());

    @TempDir
    Path home;

    private Path dataDir;
    private Host host;
    private String adminToken;
    private String runnerToken;

    @BeforeEach
    void start() throws Exception {
        dataDir = home.resolve("data");
        host = opened.add(Host.start(TestRegistries.of(HostConfig.defaults(dataDir).withListeners("127.0.0.1", 0, "127.0.0.1", 0)
                .with(HostSettings.API_TLS, true))));
        adminToken = Files.readString(dataDir.resolve("admin.token")).strip();
        runnerToken = Files.readString(dataDir.resolve("runner.token")).strip();
    }

    private HttpHostLink runner(TlsPin pin) {
        return new HttpHostLink(URI.create(host.apiUrl()), HttpHostLink.DEFAULT_TIMEOUT, pin);
    }

    private CliTestSupport.Result ferry(String pin, String... args) {
        Map<String, String> env = pin == null ? Map.of("FERRY_HOST", host.apiUrl(), "FERRY_TOKEN", adminToken)
                : Map.of("FERRY_HOST", host.apiUrl(), "FERRY_TOKEN", adminToken, "FERRY_HOST_FINGERPRINT", pin);
        return CliTestSupport.run(env, home, args);
    }

    @Test
    void theHostKeepsItsKeyOwnerOnlyAndPrintsItsFingerprint() throws Exception {
        assertTrue(host.apiUrl().startsWith("https://127.0.0.1:"), host.apiUrl());
        assertTrue(host.apiFingerprint().fingerprint().matches("sha256:[A-Za-z0-9+/]{43}"), host.apiFingerprint().toString());
        assertTrue(host.readyLine().contains("TLS key " + host.apiFingerprint()), host.readyLine());
        for (String f : List.of(ApiTls.KEY, ApiTls.CERTIFICATE)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(f))), f);
        }
        TlsPin first = host.apiFingerprint();
        host.close();
        host = Host.start(TestRegistries.of(HostConfig.defaults(dataDir).withListeners("127.0.0.1", 0, "127.0.0.1", 0)
                .with(HostSettings.API_TLS, true)));
        assertEquals(first, host.apiFingerprint(), "the key is made once and kept");
    }

    @Test
    void aRunnerWithTheRightPinEnrollsRegistersAndHeartbeats() throws Exception {
        HttpHostLink link = runner(host.apiFingerprint());
        String credential = Credentials.create();
        link.enroll(runnerToken, new EnrollRequest("r1", "127.0.0.1", 32768, 60999, Credentials.digest(credential)));
        RegisterAnswer reg = link.register(credential, new RegisterRequest("r1", "127.0.0.1", 2, 1024L,
                DockerStatus.up("28.2")));
        HeartbeatAnswer hb = link.heartbeat(credential, "r1", new HeartbeatRequest(DockerStatus.up("28.2"), List.of(),
                reg.session()));
        assertTrue(hb.vps().isEmpty(), hb.toString());
    }

    @Test
    void aRunnerRefusesAHostWithAnotherKey() {
        HostException e = assertThrows(HostException.class, () -> runner(WRONG).enroll(runnerToken,
                new EnrollRequest("r1", "127.0.0.1", 32768, 60999, Credentials.digest("x"))));
        assertTrue(e.getMessage().contains("presented TLS key " + host.apiFingerprint() + ", which is not the pinned "
                + WRONG + ": someone may be intercepting the connection"), e.getMessage());
    }

    @Test
    void aRunnerWithoutAPinIsRefusedSayingWhereToFindIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunnerConfig(
                URI.create(host.apiUrl()), runnerToken, "r1", "127.0.0.1", null, null, home.resolve("r1.credential"),
                null, null, null));
        assertTrue(e.getMessage().contains("pass --host-fingerprint or set [runner] host_fingerprint with the "
                + "'TLS key sha256:...' that 'ferry host' prints at start"), e.getMessage());
    }

    @Test
    void theCliWithTheRightPinWorks() {
        CliTestSupport.Result r = ferry(host.apiFingerprint().toString(), "vps", "list");
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void aJoinTokenComesWithTheKeyToPin() {
        CliTestSupport.Result r = ferry(host.apiFingerprint().toString(), "node", "token");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("ferry runner --host https://HOST:PORT --host-fingerprint "
                + host.apiFingerprint() + " --name NAME --advertise ADDRESS --token-file join.token"), r.out());
    }

    @Test
    void theCliRefusesAHostWithAnotherKey() {
        CliTestSupport.Result r = ferry(WRONG.toString(), "vps", "list");
        assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
        assertTrue(r.err().contains("presented TLS key " + host.apiFingerprint() + ", which is not the pinned " + WRONG
                + ": someone may be intercepting the connection"), r.err());
    }

    @Test
    void theCliWithoutAPinIsRefusedSayingWhereToFindIt() {
        CliTestSupport.Result r = ferry(null, "vps", "list");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("pass --host-fingerprint, set FERRY_HOST_FINGERPRINT or [client] host_fingerprint"),
                r.err());
    }

    @Test
    void theCliFindsTheLocalHostsPinInItsDataDirectory() throws Exception {
        int port = URI.create(host.apiUrl()).getPort();
        Files.writeString(dataDir.resolve("config.toml"), "[host]\napi_port = " + port + "\napi_tls = true\n");
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOME", dataDir.toString()), home, "vps", "list");
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void plainHttpToTheTlsPortIsAnsweredWithASentence() {
        CliTestSupport.Result r = ferry(null, "vps", "list", "--host", host.apiUrl().replace("https://", "http://"));
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("this Host's API speaks TLS only: use https:// instead of http://"), r.err());
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import java.net.ServerSocket;
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
 * Which Host the CLI reaches and which token it sends there: from the environment, the data directory or the client
 * configuration, never the local token to another Host nor any token in clear to another machine.
 */
class CliConnectionTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private AdminCliTestSupport cli;

    @BeforeEach
    void start() throws Exception {
        cli = new AdminCliTestSupport(home, opened);
    }

    @Test
    void saysWhichHostItCouldNotReach() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliTestSupport.Result r = CliTestSupport.run(Map.of(), home, "vps", "list", "--host",
                "http://127.0.0.1:" + port, "--token", "t");
        assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
        assertEquals("ferry: cannot reach the Ferry host at http://127.0.0.1:" + port
                + " (connection refused); is a Host running there? Start one with 'ferry up' (a Host and a runner) or "
                + "'ferry host'", r.err().strip());
    }

    @Test
    void wrongTokenIsRefused() {
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOST", cli.host.apiUrl(), "FERRY_TOKEN", "nope"),
                home, "vps", "list");
        assertEquals(ExitCodes.UNAUTHORIZED, r.code(), r.toString());
        assertTrue(r.err().contains("token given was refused"), r.err());
    }

    @Test
    void findsTheLocalHostFromTheDataDirectoryAndConfig() throws Exception {
        cli.addVps("web");
        int port = Integer.parseInt(cli.host.apiUrl().replaceAll(".*:", ""));
        Files.writeString(cli.dataDir.resolve("config.toml"), "[host]\napi_port = " + port + "\n");
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOME", cli.dataDir.toString()), home, "vps", "list");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("web"), r.out());
    }

    @Test
    void clientConfigSectionIsUsed() throws Exception {
        Path config = home.resolve("client.toml");
        Files.writeString(config, "[client]\nhost = \"" + cli.host.apiUrl() + "\"\ntoken = \""
                + cli.env.get("FERRY_TOKEN") + "\"\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        CliTestSupport.Result r = CliTestSupport.run(Map.of(), home, "vps", "list", "--config", config.toString());
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void theLocalTokenGoesToTheLocalHostOnlyNeverToAnotherUrl() throws Exception {
        // FERRY_HOME is the local Host's data directory: its admin.token is readable here
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", ex -> {
            seen.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"error\": \"missing or wrong API token\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        other.start();
        try {
            CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOME", cli.dataDir.toString(), "FERRY_HOST",
                    "http://127.0.0.1:" + other.getAddress().getPort()), home, "vps", "list");
            assertEquals(ExitCodes.UNAUTHORIZED, r.code(), r.toString());
            assertEquals(List.of("null"), seen, "no token may go to another Host");
        } finally {
            other.stop(0);
        }
        // the same data directory, with the local Host's URL from its config: the local token is used
        Files.writeString(cli.dataDir.resolve("config.toml"), "[host]\napi_port = "
                + URI.create(cli.host.apiUrl()).getPort() + "\n");
        CliTestSupport.Result local = CliTestSupport.run(Map.of("FERRY_HOME", cli.dataDir.toString()), home, "vps",
                "list");
        assertEquals(0, local.code(), local.toString());
    }

    @Test
    void theCliNeverSendsATokenInClearToAnotherMachine() {
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_TOKEN", "some-admin-token"), home, "vps", "list",
                "--host", "http://192.0.2.10:8000");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertEquals("ferry: http://192.0.2.10:8000 is plain HTTP to another machine, which would send the token "
                + "unencrypted; a Host reachable from elsewhere speaks TLS: use https://192.0.2.10:8000 and pass "
                + "--host-fingerprint, set FERRY_HOST_FINGERPRINT or [client] host_fingerprint in config.toml, with "
                + "the 'TLS key sha256:...' that 'ferry host' prints at start", r.err().strip());
    }
}

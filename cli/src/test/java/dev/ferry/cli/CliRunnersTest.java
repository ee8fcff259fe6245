package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry runner} and {@code ferry node}: what a runner needs to enroll, and the one-time join tokens and runners
 * an admin manages.
 */
class CliRunnersTest {
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
    void runnerWithoutACredentialOrAJoinTokenSaysWhereToFindOne() {
        Path nowhere = home.resolve("nowhere");
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOME", nowhere.toString()), home,
                "runner", "--name", "r1");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertEquals("ferry: runner r1 has no credential yet (" + nowhere.resolve("runner/r1.credential") + ") and no "
                + "join token to enroll with: pass --token-file with the Host's runner.token or a one-time token "
                + "from 'ferry node token' (on the Host), or set [runner] token_file in config.toml", r.err().strip());
    }

    @Test
    void aRunnerForARemoteHostMustSayWhereTheBastionReachesIt() {
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOME", home.resolve("nowhere").toString()), home,
                "runner", "--name", "r1", "--host", "http://192.0.2.10:8000", "--token", "t");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("must say where the bastion reaches its VPS: pass --advertise"), r.err());
    }

    @Test
    void aOneTimeJoinTokenEnrollsOneRunnerWhichTheAdminCanRemove() throws Exception {
        CliTestSupport.Result t = cli.ferry("node", "token", "--ttl", "600");
        assertEquals(0, t.code(), t.toString());
        String[] lines = t.out().split("\n");
        String token = lines[0];
        assertTrue(token.startsWith("ferry-join."), t.out());
        assertTrue(lines[1].startsWith("# one-time join token, valid until "), t.out());
        assertTrue(t.out().contains("ferry runner --host https://HOST:PORT --host-fingerprint sha256:... --name NAME "
                + "--advertise ADDRESS --token-file join.token"), t.out());
        assertTrue(t.out().contains("a runner on another machine uses the address it reaches the Host's API by"),
                t.out());
        var http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, Integer> enroll = name -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(URI.create(cli.host.apiUrl() + "/api/v1/runners/enroll"))
                        .header("Authorization", "Bearer " + token).POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                "{\"name\": \"" + name + "\", \"address\": \"127.0.0.7\", \"port_min\": 32768, "
                                        + "\"port_max\": 60999, \"credential_sha256\": \""
                                        + dev.ferry.protocol.Credentials.digest(name) + "\"}")).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertEquals(200, enroll.apply("r7"));
        assertEquals(401, enroll.apply("r8"), "used up");
        CliTestSupport.Result list = cli.ferry("node", "list");
        assertTrue(list.out().contains("r7") && list.out().contains("127.0.0.7"), list.out());

        CliTestSupport.Result removed = cli.ferry("node", "remove", "r7");
        assertEquals(0, removed.code(), removed.toString());
        assertEquals("removed runner r7: its credential no longer works", removed.out().strip());
        CliTestSupport.Result again = cli.ferry("node", "remove", "r7");
        assertEquals(ExitCodes.NOT_FOUND, again.code(), again.toString());
        assertEquals("ferry: no runner 'r7' is enrolled (see: ferry node list)", again.err().strip());
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
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

/** The CLI end to end against a Host listening on a loopback port. */
class CliTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private Path dataDir;
    private Host host;
    private Map<String, String> env;
    private SshPublicKey alice;
    private Path aliceFile;

    @BeforeEach
    void start() throws Exception {
        dataDir = home.resolve("data");
        host = opened.add(Host.start(TestRegistries.of(HostConfig.defaults(dataDir).withListeners("127.0.0.1", 0, "127.0.0.1", 0))));
        env = Map.of("FERRY_HOST", host.apiUrl(), "FERRY_TOKEN",
                Files.readString(dataDir.resolve("admin.token")).strip());
        var pair = KeyPairs.generate();
        alice = SshPublicKey.of(pair.getPublic(), "alice@laptop");
        aliceFile = home.resolve("id_alice.pub");
        PrivateKeyFiles.writePublic(aliceFile, alice);
    }

    private CliTestSupport.Result ferry(String... args) {
        return CliTestSupport.run(env, home, args);
    }

    private String addVps(String name) {
        CliTestSupport.Result r = ferry("vps", "add", "--endpoint", "127.0.0.1:2200", "--name", name,
                "--ssh-key", aliceFile.toString());
        assertEquals(0, r.code(), r.toString());
        return r.out().strip();
    }

    @Test
    void addPrintsTheIdAndListShowsIt() {
        String id = addVps("Web-1");
        assertTrue(id.matches("[0-9]{19}"), id);
        CliTestSupport.Result list = ferry("vps", "list");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().startsWith("ID"), list.out());
        assertTrue(list.out().contains(id) && list.out().contains("web-1") && list.out().contains("running"),
                list.out());
    }

    @Test
    void jsonOutputCarriesIdsAsStrings() throws Exception {
        String id = addVps("web");
        JsonNode list = Json.MAPPER.readTree(ferry("vps", "list", "--json").out());
        assertTrue(list.get("vps").get(0).get("id").isTextual());
        assertEquals(id, list.get("vps").get(0).get("id").asText());
        JsonNode status = Json.MAPPER.readTree(ferry("vps", "status", "WEB", "--json").out());
        assertEquals("running", status.get("status").asText());
        assertEquals(alice.fingerprint(), status.get("keys").get(0).get("fingerprint").asText());
    }

    @Test
    void statusShowsTheKeys() {
        String id = addVps("web");
        CliTestSupport.Result r = ferry("vps", "status", id);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("status:    running"), r.out());
        assertTrue(r.out().contains(alice.fingerprint()), r.out());
    }

    @Test
    void addTakesTheHostKeyAndStatusShowsItsFingerprint() throws Exception {
        SshPublicKey hostKey = SshPublicKey.of(KeyPairs.generate().getPublic(), "root@vps");
        Path file = home.resolve("ssh_host_ed25519_key.pub");
        PrivateKeyFiles.writePublic(file, hostKey);
        CliTestSupport.Result add = ferry("vps", "add", "--endpoint", "127.0.0.1:2200", "--name", "ext",
                "--ssh-key", aliceFile.toString(), "--host-key", file.toString());
        assertEquals(0, add.code(), add.toString());
        CliTestSupport.Result status = ferry("vps", "status", "ext");
        assertTrue(status.out().contains("host key:  ssh-ed25519 " + hostKey.fingerprint()), status.out());
        JsonNode json = Json.MAPPER.readTree(ferry("vps", "status", "ext", "--json").out());
        assertEquals(hostKey.type() + " " + hostKey.base64(), json.get("host_key").asText());

        SshPublicKey other = SshPublicKey.of(KeyPairs.generate().getPublic(), "root@other");
        CliTestSupport.Result byString = ferry("vps", "add", "--endpoint", "127.0.0.1:2201", "--name", "ext2",
                "--ssh-key", aliceFile.toString(), "--host-key-string", other.toOpenSsh());
        assertEquals(0, byString.code(), byString.toString());
        assertTrue(ferry("vps", "status", "ext2").out().contains(other.fingerprint()));
        addVps("plain");
        assertTrue(ferry("vps", "status", "plain").out().contains("host key:  - (recorded at the bastion's first"),
                "an external VPS without one says how it gets one");
    }

    @Test
    void hostKeyReplacesTheKeyAnExternalVpsPresents() throws Exception {
        SshPublicKey first = SshPublicKey.of(KeyPairs.generate().getPublic(), "root@vps");
        assertEquals(0, ferry("vps", "add", "--endpoint", "127.0.0.1:2202", "--name", "rekeyed", "--ssh-key",
                aliceFile.toString(), "--host-key-string", first.toOpenSsh()).code());
        SshPublicKey next = SshPublicKey.of(KeyPairs.generate().getPublic(), "root@vps");
        CliTestSupport.Result r = ferry("vps", "host-key", "rekeyed", "--host-key-string", next.toOpenSsh());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("is now " + next.fingerprint()), r.out());
        assertTrue(ferry("vps", "status", "rekeyed").out().contains(next.fingerprint()));
        CliTestSupport.Result bad = ferry("vps", "host-key", "rekeyed", "--host-key-string", "ssh-ed25519 bm90");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertTrue(ferry("vps", "status", "rekeyed").out().contains(next.fingerprint()), "a bad key changes nothing");
    }

    @Test
    void aBadHostKeyIsNamedAndNothingIsRegistered() {
        CliTestSupport.Result r = ferry("vps", "add", "--endpoint", "127.0.0.1:22", "--ssh-key", aliceFile.toString(),
                "--host-key-string", "ssh-ed25519 bm90IGEga2V5");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().startsWith("ferry: --host-key-string: "), r.err());
        CliTestSupport.Result both = ferry("vps", "add", "--endpoint", "127.0.0.1:22", "--ssh-key",
                aliceFile.toString(), "--host-key-string", alice.toOpenSsh(), "--host-key", aliceFile.toString());
        assertEquals(ExitCodes.USAGE, both.code(), both.toString());
        assertTrue(ferry("vps", "list", "--json").out().contains("\"vps\" : [ ]"), "nothing was registered");
    }

    @Test
    void caUserKeyPrintsTheHostsUserCaAsOneLine() throws Exception {
        CliTestSupport.Result r = ferry("ca", "user-key");
        assertEquals(0, r.code(), r.toString());
        assertEquals(Host.userCaLine(host.userCa()) + "\n", r.out());
        assertTrue(r.out().startsWith("ssh-ed25519 ") && r.out().strip().endsWith(" ferry-user-ca"), r.out());
        JsonNode json = Json.MAPPER.readTree(ferry("ca", "user-key", "--json").out());
        assertEquals(Host.userCaLine(host.userCa()), json.get("public_key").asText());
    }

    @Test
    void caUserKeyForAVpsPrintsItsPrincipalAndTheSshdLines() throws Exception {
        String id = addVps("ext");
        JsonNode json = Json.MAPPER.readTree(ferry("ca", "user-key", "--vps", "ext", "--json").out());
        assertEquals("vps-" + id, json.get("principal").asText());
        assertEquals(Host.userCaLine(host.userCa()), json.get("public_key").asText());
        assertEquals("[\"TrustedUserCAKeys /etc/ssh/ferry_user_ca.pub\",\"AuthorizedPrincipalsFile "
                + "/etc/ssh/ferry_principals\"]", json.get("sshd_config").toString());
        String script = ferry("ca", "user-key", "--vps", "ext").out();
        assertTrue(script.contains("printf '%s\\n' 'vps-" + id + "' > /etc/ssh/ferry_principals\n"), script);
        assertTrue(script.contains("printf '%s\\n' '" + Host.userCaLine(host.userCa()) + "' > "
                + "/etc/ssh/ferry_user_ca.pub\n"), script);
        CliTestSupport.Result unknown = ferry("ca", "user-key", "--vps", "nope");
        assertEquals(ExitCodes.NOT_FOUND, unknown.code(), unknown.toString());
    }

    @Test
    void knownHostsPrintsTheCaLinesForTheBastionAndEveryVps() throws Exception {
        CliTestSupport.Result r = ferry("known-hosts");
        assertEquals(0, r.code(), r.toString());
        assertEquals(String.join("\n", host.knownHosts()) + "\n", r.out());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        int port = host.sshAddress().getPort();
        assertTrue(lines[0].matches("@cert-authority \\S*\\[127\\.0\\.0\\.1]:" + port
                + "\\S* ssh-ed25519 \\S+ ferry-host-ca"), lines[0]);
        assertTrue(lines[0].contains("[localhost]:" + port + ",") && lines[0].contains("[::1]:" + port), lines[0]);
        assertTrue(lines[1].matches("@cert-authority vps-\\* ssh-ed25519 \\S+ ferry-host-ca"), lines[1]);
        assertEquals(lines[0].split(" ")[3], lines[1].split(" ")[3], "one host CA for both");
        JsonNode json = Json.MAPPER.readTree(ferry("known-hosts", "--json").out());
        assertEquals(lines[1], json.get("lines").get(1).asText());
    }

    @Test
    void managesKeys() {
        String id = addVps("web");
        SshPublicKey bob = SshPublicKey.of(KeyPairs.generate().getPublic(), "bob");
        CliTestSupport.Result add = ferry("vps", "keys", "add", "web", "--ssh-key-string", bob.toOpenSsh());
        assertEquals(0, add.code(), add.toString());
        assertTrue(add.out().contains("added " + bob.fingerprint()), add.out());

        CliTestSupport.Result list = ferry("vps", "keys", "list", id);
        assertTrue(list.out().contains(alice.fingerprint()) && list.out().contains(bob.fingerprint()), list.out());

        CliTestSupport.Result again = ferry("vps", "keys", "add", "web", "--ssh-key-string", bob.toOpenSsh());
        assertEquals(ExitCodes.CONFLICT, again.code(), again.toString());
        assertTrue(again.err().contains("already stored"), again.err());

        CliTestSupport.Result removed = ferry("vps", "keys", "remove", "web", alice.fingerprint());
        assertEquals(0, removed.code(), removed.toString());
        CliTestSupport.Result last = ferry("vps", "keys", "remove", "web", bob.fingerprint());
        assertEquals(ExitCodes.CONFLICT, last.code(), last.toString());
        assertTrue(last.err().startsWith("ferry: ") && last.err().contains("last key"), last.err());
    }

    @Test
    void removesAVps() {
        String id = addVps("web");
        CliTestSupport.Result r = ferry("vps", "remove", "web");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("removed vps-" + id), r.out());
        CliTestSupport.Result gone = ferry("vps", "status", id);
        assertEquals(ExitCodes.NOT_FOUND, gone.code(), gone.toString());
        assertTrue(gone.err().contains("no VPS '" + id + "'"), gone.err());
    }

    @Test
    void explainsBadKeysWithoutAStackTrace() throws Exception {
        Path bad = home.resolve("bad.pub");
        Files.writeString(bad, "# mine\nssh-dss AAAAB3NzaC1kc3M= old\n");
        CliTestSupport.Result r = ferry("vps", "add", "--endpoint", "127.0.0.1:22", "--ssh-key", bad.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains(bad + ": line 2: unsupported key type 'ssh-dss'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());

        Path priv = home.resolve("id_ed25519");
        PrivateKeyFiles.write(priv, KeyPairs.generate(), "oops");
        CliTestSupport.Result p = ferry("vps", "add", "--endpoint", "127.0.0.1:22", "--ssh-key", priv.toString());
        assertEquals(ExitCodes.USAGE, p.code(), p.toString());
        assertTrue(p.err().contains("private key"), p.err());
        assertTrue(ferry("vps", "list", "--json").out().contains("\"vps\" : [ ]"), "nothing was registered");
    }

    @Test
    void requiresAKeyAndAnEndpoint() {
        CliTestSupport.Result r = ferry("vps", "add", "--endpoint", "127.0.0.1:22");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        CliTestSupport.Result e = ferry("vps", "add", "--ssh-key", aliceFile.toString());
        assertEquals(ExitCodes.USAGE, e.code(), e.toString());
        assertTrue(e.err().contains("--endpoint"), e.err());
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
                + " (connection refused); is 'ferry host' running there?", r.err().strip());
    }

    @Test
    void wrongTokenIsRefused() {
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOST", host.apiUrl(), "FERRY_TOKEN", "nope"),
                home, "vps", "list");
        assertEquals(ExitCodes.UNAUTHORIZED, r.code(), r.toString());
        assertTrue(r.err().contains("token given was refused"), r.err());
    }

    @Test
    void findsTheLocalHostFromTheDataDirectoryAndConfig() throws Exception {
        addVps("web");
        int port = Integer.parseInt(host.apiUrl().replaceAll(".*:", ""));
        Files.writeString(dataDir.resolve("config.toml"), "[host]\napi_port = " + port + "\n");
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOME", dataDir.toString()), home, "vps", "list");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("web"), r.out());
    }

    @Test
    void clientConfigSectionIsUsed() throws Exception {
        Path config = home.resolve("client.toml");
        Files.writeString(config, "[client]\nhost = \"" + host.apiUrl() + "\"\ntoken = \"" + env.get("FERRY_TOKEN")
                + "\"\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        CliTestSupport.Result r = CliTestSupport.run(Map.of(), home, "vps", "list", "--config", config.toString());
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void helpWorksEverywhere() {
        for (String[] args : new String[][] {{"--help"}, {"vps", "--help"}, {"vps", "add", "--help"},
                {"vps", "keys", "remove", "--help"}, {"host", "--help"}}) {
            CliTestSupport.Result r = ferry(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r);
            assertTrue(r.out().contains("Usage: ferry"), r.out());
        }
    }

    @Test
    void hostRefusesUnknownAndBadConfigKeysByName() throws Exception {
        Path config = home.resolve("bad.toml");
        Files.writeString(config, "[host]\nssh_prot = 2222\n");
        CliTestSupport.Result r = ferry("host", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("unknown key 'host.ssh_prot'"), r.err());

        Files.writeString(config, "[host]\nssh_port = 70000\n");
        CliTestSupport.Result range = ferry("host", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, range.code(), range.toString());
        assertTrue(range.err().contains("bad value for 'host.ssh_port' (line 2): must be a whole number from 0 to 65535, "
                + "got 70000; for example ssh_port = 2222"), range.err());
        Files.writeString(config, "[host]\nbanner_timeout_seconds = 0\n");
        CliTestSupport.Result banner = ferry("host", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, banner.code(), banner.toString());
        assertTrue(banner.err().contains("bad value for 'host.banner_timeout_seconds' (line 2): must be a whole number "
                + "of seconds from 1 to 300, got 0"), banner.err());
        Files.writeString(config, "[host]\nssh_port = 70000\n");
        CliTestSupport.Result overridden = ferry("host", "--config", config.toString(), "--ssh-port", "2222");
        assertEquals(ExitCodes.USAGE, overridden.code(), "a wrong value in the file is wrong even under a flag");

        for (String notAPort : List.of("22.7", "\"2222\"")) {
            Files.writeString(config, "[host]\nssh_port = " + notAPort + "\n");
            CliTestSupport.Result coerced = ferry("host", "--config", config.toString());
            assertEquals(ExitCodes.USAGE, coerced.code(), notAPort + ": " + coerced);
            assertTrue(coerced.err().contains("'host.ssh_port'"), coerced.err());
        }

        Files.writeString(config, "[host]\napi_port = \"eighty\"\n");
        CliTestSupport.Result type = ferry("host", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, type.code(), type.toString());
        assertTrue(type.err().contains("'host.api_port'"), type.err());
        for (String[] bad : List.of(
                new String[] {"max_sessions_per_key = 0", "must be a whole number from 1 to 100000, got 0; for example "
                        + "max_sessions_per_key = 10000"},
                new String[] {"login_grace_time_seconds = 1", "must be a whole number of seconds from 5 to 600, got 1; "
                        + "for example login_grace_time_seconds = 60"},
                new String[] {"penalty_exempt = [\"10.0.0.0/99\"]", "must be a list of addresses and networks in quotes "
                        + "('10.0.0.0/99' has a prefix length out of range), got [\"10.0.0.0/99\"]; for example "
                        + "penalty_exempt = [\"10.0.0.0/8\"]"},
                new String[] {"max_startups_per_source = \"64:30\"", "must be start:rate:full in quotes, with 1 <= start "
                        + "<= full and a rate of 0 to 100, got \"64:30\"; for example max_startups_per_source = "
                        + "\"64:30:256\""},
                new String[] {"max_startups = \"300:30:100\"", "must be start:rate:full in quotes, with 1 <= start <= "
                        + "full and a rate of 0 to 100, got \"300:30:100\"; for example max_startups = \"256:30:1024\""},
                new String[] {"host_cert_principals = []", "must be a list of host names and IP addresses in quotes (no "
                        + "ports, brackets or wildcards), at most 64 (must name at least one host name or address the "
                        + "bastion is reached by; leave it out for the defaults), got []; for example "
                        + "host_cert_principals = [\"bastion.example\", \"203.0.113.7\"]"},
                new String[] {"host_cert_principals = [\"[bastion.example]:2222\"]", "must be a list of host names and IP "
                        + "addresses in quotes (no ports, brackets or wildcards), at most 64 ('[bastion.example]:2222' is "
                        + "not a host name or IP address (letters, digits, '.', '-', ':'; no ports, brackets or "
                        + "wildcards)), got [\"[bastion.example]:2222\"]; for example host_cert_principals = "
                        + "[\"bastion.example\", \"203.0.113.7\"]"})) {
            Files.writeString(config, "[host]\n" + bad[0] + "\n");
            CliTestSupport.Result frontDoor = ferry("host", "--config", config.toString());
            assertEquals(ExitCodes.USAGE, frontDoor.code(), frontDoor.toString());
            String key = bad[0].substring(0, bad[0].indexOf(' '));
            assertEquals("ferry: " + config + ": bad value for 'host." + key + "' (line 2): " + bad[1],
                    frontDoor.err().strip());
        }
        CliTestSupport.Result flag = ferry("host", "--config", "/dev/null", "--ssh-port", "70000");
        assertEquals(ExitCodes.USAGE, flag.code(), flag.toString());
        assertEquals("ferry: --ssh-port must be a whole number from 0 to 65535, got '70000'", flag.err().strip());
    }

    @Test
    void upExplainsWhatIsMissingWithoutDocker() {
        CliTestSupport.Result r = ferry("up", "--docker-host", "unix://" + home.resolve("no-docker.sock"),
                "--data-dir", home.resolve("up").toString(), "--ssh-port", "0", "--api-port", "0");
        assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
        assertTrue(r.err().contains("Docker is not running on this machine") && r.err().contains("apt-get install docker.io")
                && r.err().contains("ferry host"), r.err());
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
            CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOME", dataDir.toString(), "FERRY_HOST",
                    "http://127.0.0.1:" + other.getAddress().getPort()), home, "vps", "list");
            assertEquals(ExitCodes.UNAUTHORIZED, r.code(), r.toString());
            assertEquals(List.of("null"), seen, "no token may go to another Host");
        } finally {
            other.stop(0);
        }
        // the same data directory, with the local Host's URL from its config: the local token is used
        Files.writeString(dataDir.resolve("config.toml"), "[host]\napi_port = " + URI.create(host.apiUrl()).getPort()
                + "\n");
        CliTestSupport.Result local = CliTestSupport.run(Map.of("FERRY_HOME", dataDir.toString()), home, "vps", "list");
        assertEquals(0, local.code(), local.toString());
    }

    @Test
    void aOneTimeJoinTokenEnrollsOneRunnerWhichTheAdminCanRemove() throws Exception {
        CliTestSupport.Result t = ferry("node", "token", "--ttl", "600");
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
                return http.send(java.net.http.HttpRequest.newBuilder(URI.create(host.apiUrl() + "/api/v1/runners/enroll"))
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
        CliTestSupport.Result list = ferry("node", "list");
        assertTrue(list.out().contains("r7") && list.out().contains("127.0.0.7"), list.out());

        CliTestSupport.Result removed = ferry("node", "remove", "r7");
        assertEquals(0, removed.code(), removed.toString());
        assertEquals("removed runner r7: its credential no longer works", removed.out().strip());
        CliTestSupport.Result again = ferry("node", "remove", "r7");
        assertEquals(ExitCodes.NOT_FOUND, again.code(), again.toString());
        assertEquals("ferry: no runner 'r7' is enrolled (see: ferry node list)", again.err().strip());
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

    @Test
    void aRunnerForARemoteHostMustSayWhereTheBastionReachesIt() {
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOME", home.resolve("nowhere").toString()), home,
                "runner", "--name", "r1", "--host", "http://192.0.2.10:8000", "--token", "t");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("must say where the bastion reaches its VPS: pass --advertise"), r.err());
    }

    @Test
    void actionsOnAnExternalVpsAreRefusedWithTheReason() {
        addVps("ext");
        CliTestSupport.Result r = ferry("vps", "pause", "ext");
        assertEquals(ExitCodes.CONFLICT, r.code(), r.toString());
        assertTrue(r.err().contains("is an external VPS (an sshd Ferry does not run): Ferry cannot pause it"), r.err());
    }

    @Test
    void createWithoutAnOnlineRunnerSaysHowToStartOne() {
        CliTestSupport.Result r = ferry("vps", "create", "--image", "img:1", "--ssh-key", aliceFile.toString(),
                "--memory", "512M");
        assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
        assertTrue(r.err().contains("no runner is online") && r.err().contains("ferry runner"), r.err());
        CliTestSupport.Result bad = ferry("vps", "create", "--image", "img:1", "--ssh-key", aliceFile.toString(),
                "--memory", "lots");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--memory 'lots' is not a size"), bad.err());
    }

    @Test
    void hostSaysWhenItsApiPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            CliTestSupport.Result r = ferry("host", "--data-dir", home.resolve("other").toString(),
                    "--ssh-port", "0", "--api-port", Integer.toString(taken.getLocalPort()));
            assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
            assertTrue(r.err().contains("cannot listen for the control API on 127.0.0.1:" + taken.getLocalPort()),
                    r.err());
        }
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's own tokens and {@code ferry login} (issue 22): an admin makes alice a token, alice logs in on her
 * machine (a home of her own: no admin token there), and every command then acts as her, with her role.
 */
class CliLoginTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private AdminCliTestSupport admin;
    private Path laptop;

    @BeforeEach
    void start() throws Exception {
        admin = new AdminCliTestSupport(home, opened);
        laptop = Files.createDirectories(home.resolve("laptop"));
    }

    private CliTestSupport.Result alice(String... args) {
        return CliTestSupport.run(Map.of(), laptop, args);
    }

    private Path secretFile(String name, String token) throws Exception {
        Path f = laptop.resolve(name);
        Files.writeString(f, token + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void aPersonLogsInWithTheirOwnTokenAndActsWithTheirRole() throws Exception {
        assertEquals(0, admin.ferry("user", "add", "alice", "--role", "member").code());
        CliTestSupport.Result made = admin.ferry("user", "token", "alice", "--name", "laptop", "--ttl", "7d");
        assertEquals(0, made.code(), made.toString());
        String token = made.out().strip();
        assertTrue(token.startsWith("ferry_"), token);
        assertTrue(made.err().contains("of alice, until ") && made.err().contains("shown this once"), made.err());

        String url = admin.host.apiUrl();
        CliTestSupport.Result login = alice("login", "--host", url, "--token-file", secretFile("t", token).toString());
        assertEquals(0, login.code(), login.toString());
        assertTrue(login.out().startsWith("logged in to " + url + " as alice (member)"), login.out());
        Path kept = laptop.resolve(".ferry/login.toml");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept)));
        CliTestSupport.Result me = alice("whoami");
        assertTrue(me.out().matches("alice \\(member\\), with the token laptop \\(t[0-9a-f]{12}\\), on "
                + java.util.regex.Pattern.quote(url) + "\\n"), me.out());

        CliTestSupport.Result people = alice("user", "list");
        assertEquals(6, people.code(), people.toString());
        assertEquals("ferry: alice is a member: this is for admins", people.err().strip());
        CliTestSupport.Result external = alice("vps", "add", "--endpoint", "127.0.0.1:2200", "--name", "hers",
                "--ssh-key", admin.aliceFile.toString());
        assertEquals(6, external.code(), external.toString());
        assertTrue(external.err().contains("registering an external VPS (an endpoint the bastion dials) is for "
                + "admins"), external.err());
        admin.addVps("hers");
        admin.addVps("others");
        assertEquals(0, admin.ferry("vps", "grant", "hers", "alice").code());
        CliTestSupport.Result list = alice("vps", "list");
        assertTrue(list.out().contains("hers") && !list.out().contains("others"), list.out());
        CliTestSupport.Result notHers = alice("vps", "stop", "hers");
        assertEquals(6, notHers.code(), notHers.toString());
        assertTrue(notHers.err().contains("alice is a member and may change only the VPS they created"),
                notHers.err());
        CliTestSupport.Result unseen = alice("vps", "status", "others");
        assertEquals(3, unseen.code(), "a VPS she may not see is one that does not exist: " + unseen);

        CliTestSupport.Result longer = alice("token", "create", "--name", "forever", "--ttl", "30d");
        assertEquals(2, longer.code(), longer.toString());
        assertTrue(longer.err().contains("a token lasts no longer than the one that makes it, which ends at "),
                longer.err());
        CliTestSupport.Result ci = alice("token", "create", "--name", "ci", "--ttl", "1h");
        assertEquals(0, ci.code(), ci.toString());
        String list2 = alice("token", "list").out();
        assertTrue(list2.contains("laptop") && list2.contains(" ci "), list2);
        String ciId = list2.lines().filter(l -> l.contains(" ci ")).findFirst().orElseThrow().split("\\s+")[0];
        assertEquals("revoked " + ciId, alice("token", "revoke", ciId).out().strip());
        CliTestSupport.Result withRevoked = CliTestSupport.run(Map.of("FERRY_HOST", url, "FERRY_TOKEN",
                ci.out().strip()), laptop, "whoami");
        assertEquals(6, withRevoked.code(), "a revoked token is refused: " + withRevoked);

        // an admin of flesh disables her: the record names who did it
        assertEquals(0, admin.ferry("user", "add", "ada", "--role", "admin").code());
        String ada = admin.ferry("user", "token", "ada", "--name", "desk").out().strip();
        CliTestSupport.Result byAda = CliTestSupport.run(Map.of("FERRY_HOST", url, "FERRY_TOKEN", ada), laptop,
                "user", "disable", "alice");
        assertEquals(0, byAda.code(), byAda.toString());
        assertTrue(admin.ferry("user", "show", "alice").out().contains(" by ada\n"));
        CliTestSupport.Result disabled = alice("whoami");
        assertEquals(6, disabled.code(), disabled.toString());
        assertTrue(disabled.err().contains("missing, wrong or ended API token"), disabled.err());
        assertEquals("logged out: " + kept + " removed", alice("logout").out().strip());
        assertFalse(Files.exists(kept));
    }

    @Test
    void aLoginsTokenGoesToItsOwnHostOnly() throws Exception {
        assertEquals(0, admin.ferry("user", "add", "alice", "--role", "auditor").code());
        String token = admin.ferry("user", "token", "alice", "--name", "laptop").out().strip();
        assertEquals(0, alice("login", "--host", admin.host.apiUrl(), "--token-file",
                secretFile("t", token).toString()).code());
        // another Host named on the command line gets no token from the login: a listener that notes what it got
        java.util.List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            sent.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        other.start();
        try {
            CliTestSupport.Result elsewhere = alice("whoami", "--host", "http://127.0.0.1:"
                    + other.getAddress().getPort());
            assertTrue(elsewhere.code() != 0, elsewhere.toString());
        } finally {
            other.stop(0);
        }
        assertFalse(sent.isEmpty(), "the other Host was asked");
        assertTrue(sent.stream().noneMatch(h -> h.contains(token)), "the login's token went elsewhere: " + sent);
        assertEquals(0, alice("whoami").code(), "its own Host still gets it");
        CliTestSupport.Result adminToken = alice("login", "--host", admin.host.apiUrl(), "--token-file",
                secretFile("a", admin.env.get("FERRY_TOKEN")).toString());
        assertEquals(2, adminToken.code(), adminToken.toString());
        assertTrue(adminToken.err().contains("that is the Host's admin token, which is no person"), adminToken.err());
    }
}

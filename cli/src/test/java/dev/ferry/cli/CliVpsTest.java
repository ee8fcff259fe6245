package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry vps} against a Host listening on a loopback port: add, list, status, keys, remove, and the reasons it
 * refuses with.
 */
class CliVpsTest {
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
    void addPrintsTheIdAndListShowsIt() {
        String id = cli.addVps("Web-1");
        assertTrue(id.matches("[0-9]{19}"), id);
        CliTestSupport.Result list = cli.ferry("vps", "list");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().startsWith("ID"), list.out());
        assertTrue(list.out().contains(id) && list.out().contains("web-1") && list.out().contains("running"),
                list.out());
    }

    @Test
    void jsonOutputCarriesIdsAsStrings() throws Exception {
        String id = cli.addVps("web");
        JsonNode list = Json.MAPPER.readTree(cli.ferry("vps", "list", "--json").out());
        assertTrue(list.get("vps").get(0).get("id").isTextual());
        assertEquals(id, list.get("vps").get(0).get("id").asText());
        JsonNode status = Json.MAPPER.readTree(cli.ferry("vps", "status", "WEB", "--json").out());
        assertEquals("running", status.get("status").asText());
        assertEquals(cli.alice.fingerprint(), status.get("keys").get(0).get("fingerprint").asText());
    }

    @Test
    void statusShowsTheKeys() {
        String id = cli.addVps("web");
        CliTestSupport.Result r = cli.ferry("vps", "status", id);
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("status:    running"), r.out());
        assertTrue(r.out().contains(cli.alice.fingerprint()), r.out());
    }

    @Test
    void managesKeys() {
        String id = cli.addVps("web");
        SshPublicKey bob = SshPublicKey.of(KeyPairs.generate().getPublic(), "bob");
        CliTestSupport.Result add = cli.ferry("vps", "keys", "add", "web", "--ssh-key-string", bob.toOpenSsh());
        assertEquals(0, add.code(), add.toString());
        assertTrue(add.out().contains("added " + bob.fingerprint()), add.out());

        CliTestSupport.Result list = cli.ferry("vps", "keys", "list", id);
        assertTrue(list.out().contains(cli.alice.fingerprint()) && list.out().contains(bob.fingerprint()), list.out());

        CliTestSupport.Result again = cli.ferry("vps", "keys", "add", "web", "--ssh-key-string", bob.toOpenSsh());
        assertEquals(ExitCodes.CONFLICT, again.code(), again.toString());
        assertTrue(again.err().contains("already stored"), again.err());

        CliTestSupport.Result removed = cli.ferry("vps", "keys", "remove", "web", cli.alice.fingerprint());
        assertEquals(0, removed.code(), removed.toString());
        CliTestSupport.Result last = cli.ferry("vps", "keys", "remove", "web", bob.fingerprint());
        assertEquals(ExitCodes.CONFLICT, last.code(), last.toString());
        assertTrue(last.err().startsWith("ferry: ") && last.err().contains("last key"), last.err());
    }

    @Test
    void removesAVps() {
        String id = cli.addVps("web");
        CliTestSupport.Result r = cli.ferry("vps", "remove", "web");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("removed vps-" + id), r.out());
        CliTestSupport.Result gone = cli.ferry("vps", "status", id);
        assertEquals(ExitCodes.NOT_FOUND, gone.code(), gone.toString());
        assertTrue(gone.err().contains("no VPS '" + id + "'"), gone.err());
    }

    @Test
    void explainsBadKeysWithoutAStackTrace() throws Exception {
        Path bad = home.resolve("bad.pub");
        Files.writeString(bad, "# mine\nssh-dss AAAAB3NzaC1kc3M= old\n");
        CliTestSupport.Result r = cli.ferry("vps", "add", "--endpoint", "127.0.0.1:22", "--ssh-key", bad.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains(bad + ": line 2: unsupported key type 'ssh-dss'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());

        Path priv = home.resolve("id_ed25519");
        PrivateKeyFiles.write(priv, KeyPairs.generate(), "oops");
        CliTestSupport.Result p = cli.ferry("vps", "add", "--endpoint", "127.0.0.1:22", "--ssh-key", priv.toString());
        assertEquals(ExitCodes.USAGE, p.code(), p.toString());
        assertTrue(p.err().contains("private key"), p.err());
        assertTrue(cli.ferry("vps", "list", "--json").out().contains("\"vps\" : [ ]"), "nothing was registered");
    }

    @Test
    void requiresAKeyAndAnEndpoint() {
        CliTestSupport.Result r = cli.ferry("vps", "add", "--endpoint", "127.0.0.1:22");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        CliTestSupport.Result e = cli.ferry("vps", "add", "--ssh-key", cli.aliceFile.toString());
        assertEquals(ExitCodes.USAGE, e.code(), e.toString());
        assertTrue(e.err().contains("--endpoint"), e.err());
    }

    @Test
    void actionsOnAnExternalVpsAreRefusedWithTheReason() {
        cli.addVps("ext");
        CliTestSupport.Result r = cli.ferry("vps", "pause", "ext");
        assertEquals(ExitCodes.CONFLICT, r.code(), r.toString());
        assertTrue(r.err().contains("is an external VPS (an sshd Ferry does not run): Ferry cannot pause it"), r.err());
    }

    @Test
    void createWithoutAnOnlineRunnerSaysHowToStartOne() {
        CliTestSupport.Result r = cli.ferry("vps", "create", "--image", "img:1", "--ssh-key", cli.aliceFile.toString(),
                "--memory", "512M");
        assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
        assertTrue(r.err().contains("no runner is online") && r.err().contains("ferry runner"), r.err());
        CliTestSupport.Result bad = cli.ferry("vps", "create", "--image", "img:1", "--ssh-key",
                cli.aliceFile.toString(), "--memory", "lots");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertTrue(bad.err().contains("--memory 'lots' is not a size"), bad.err());
    }

    @Test
    void policyShowsAndSetsWhatAVpsDemandsOfItsSessions() {
        String id = cli.addVps("web");
        assertEquals("vps-" + id + ": recording optional, forwarding all\n", cli.ferry("vps", "policy", "web").out());
        CliTestSupport.Result set = cli.ferry("vps", "policy", "web", "--recording", "required", "--forwarding",
                "local");
        assertEquals(0, set.code(), set.toString());
        assertEquals("vps-" + id + ": recording required, forwarding local\n", set.out());
        assertEquals("vps-" + id + ": recording required, forwarding none\n",
                cli.ferry("vps", "policy", "web", "--forwarding", "none").out(), "the other one is kept");
        assertTrue(cli.ferry("vps", "status", "web").out().contains("policy:    recording required, forwarding none"));
        CliTestSupport.Result bad = cli.ferry("vps", "policy", "web", "--forwarding", "some");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertEquals("ferry: forwarding is 'all', 'local' or 'none', not 'some'", bad.err().strip());
    }
}

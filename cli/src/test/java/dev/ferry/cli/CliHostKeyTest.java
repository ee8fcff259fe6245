package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host key of an external VPS: given to {@code ferry vps add}, shown by its status, replaced by
 * {@code ferry vps host-key}, refused by name when it is not one.
 */
class CliHostKeyTest {
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
    void addTakesTheHostKeyAndStatusShowsItsFingerprint() throws Exception {
        SshPublicKey hostKey = SshPublicKey.of(KeyPairs.generate().getPublic(), "root@vps");
        Path file = home.resolve("ssh_host_ed25519_key.pub");
        PrivateKeyFiles.writePublic(file, hostKey);
        CliTestSupport.Result add = cli.ferry("vps", "add", "--endpoint", "127.0.0.1:2200", "--name", "ext",
                "--ssh-key", cli.aliceFile.toString(), "--host-key", file.toString());
        assertEquals(0, add.code(), add.toString());
        CliTestSupport.Result status = cli.ferry("vps", "status", "ext");
        assertTrue(status.out().contains("host key:  ssh-ed25519 " + hostKey.fingerprint()), status.out());
        JsonNode json = Json.MAPPER.readTree(cli.ferry("vps", "status", "ext", "--json").out());
        assertEquals(hostKey.type() + " " + hostKey.base64(), json.get("host_key").asText());

        SshPublicKey other = SshPublicKey.of(KeyPairs.generate().getPublic(), "root@other");
        CliTestSupport.Result byString = cli.ferry("vps", "add", "--endpoint", "127.0.0.1:2201", "--name", "ext2",
                "--ssh-key", cli.aliceFile.toString(), "--host-key-string", other.toOpenSsh());
        assertEquals(0, byString.code(), byString.toString());
        assertTrue(cli.ferry("vps", "status", "ext2").out().contains(other.fingerprint()));
        cli.addVps("plain");
        assertTrue(cli.ferry("vps", "status", "plain").out().contains("host key:  - (recorded at the bastion's first"),
                "an external VPS without one says how it gets one");
    }

    @Test
    void hostKeyReplacesTheKeyAnExternalVpsPresents() throws Exception {
        SshPublicKey first = SshPublicKey.of(KeyPairs.generate().getPublic(), "root@vps");
        assertEquals(0, cli.ferry("vps", "add", "--endpoint", "127.0.0.1:2202", "--name", "rekeyed", "--ssh-key",
                cli.aliceFile.toString(), "--host-key-string", first.toOpenSsh()).code());
        SshPublicKey next = SshPublicKey.of(KeyPairs.generate().getPublic(), "root@vps");
        CliTestSupport.Result r = cli.ferry("vps", "host-key", "rekeyed", "--host-key-string", next.toOpenSsh());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("is now " + next.fingerprint()), r.out());
        assertTrue(cli.ferry("vps", "status", "rekeyed").out().contains(next.fingerprint()));
        CliTestSupport.Result bad = cli.ferry("vps", "host-key", "rekeyed", "--host-key-string", "ssh-ed25519 bm90");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertTrue(cli.ferry("vps", "status", "rekeyed").out().contains(next.fingerprint()),
                "a bad key changes nothing");
    }

    @Test
    void aBadHostKeyIsNamedAndNothingIsRegistered() {
        CliTestSupport.Result r = cli.ferry("vps", "add", "--endpoint", "127.0.0.1:22", "--ssh-key",
                cli.aliceFile.toString(), "--host-key-string", "ssh-ed25519 bm90IGEga2V5");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().startsWith("ferry: --host-key-string: "), r.err());
        CliTestSupport.Result both = cli.ferry("vps", "add", "--endpoint", "127.0.0.1:22", "--ssh-key",
                cli.aliceFile.toString(), "--host-key-string", cli.alice.toOpenSsh(), "--host-key",
                cli.aliceFile.toString());
        assertEquals(ExitCodes.USAGE, both.code(), both.toString());
        assertTrue(cli.ferry("vps", "list", "--json").out().contains("\"vps\" : [ ]"), "nothing was registered");
    }
}

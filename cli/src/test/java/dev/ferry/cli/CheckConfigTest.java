package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.registry.PostgresServer;
import dev.ferry.bastion.registry.RegistryLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry host --check-config}: what a start would refuse is said without starting, and nothing is made. */
class CheckConfigTest {
    @TempDir
    Path home;

    private CliTestSupport.Result check(String config, Map<String, String> env) throws Exception {
        Path file = Files.writeString(home.resolve("config.toml"), config);
        return CliTestSupport.run(env, home, "host", "--check-config", "--config", file.toString());
    }

    @Test
    void aGoodConfigIsSaidSoAndNothingIsMade() throws Exception {
        Path data = home.resolve("data");
        CliTestSupport.Result r = check("[host]\ndata_dir = \"" + data + "\"\nssh_port = 2299\n"
                + "proxy_protocol_from = [\"10.0.0.9\"]\n", Map.of());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("the configuration is valid (" + home.resolve("config.toml") + ")"), r.out());
        assertTrue(r.out().contains("data directory " + data + " (made at the first start, 0700)"), r.out());
        assertTrue(r.out().contains("ssh 0.0.0.0:2299, api 127.0.0.1:8000 (plain HTTP on loopback)"), r.out());
        assertTrue(r.out().contains("registry the embedded H2 file"), r.out());
        assertTrue(r.out().contains("PROXY protocol from 10.0.0.9"), r.out());
        assertTrue(!Files.exists(data), "a check makes nothing");
    }

    @Test
    void whatAStartWouldRefuseIsSaid() throws Exception {
        assertRefused(check("[host]\nssh_prot = 22\n", Map.of()), "unknown key 'host.ssh_prot'");
        assertRefused(check("penalty_exempt = [\"127.0.0.0/8\"]\n", Map.of()),
                "(line 1): unknown key 'penalty_exempt' (a Host setting: put it under a [host] line)");
        assertRefused(check("[host]\nregistry_url = \"postgresql://ferry@db.example/ferry\"\n", Map.of()),
                "registry_url needs registry_key_file too");
        assertRefused(check("[host]\nregistry_url = \"postgresql://ferry:secret@db.example/ferry\"\n"
                + "registry_key_file = \"/etc/ferry/registry.key\"\n", Map.of()), "registry_url holds a password");
        assertRefused(check("[host]\nproxy_protocol_from = [\"balancer.example\"]\n", Map.of()),
                "bad value for 'host.proxy_protocol_from' (line 2): must be a list of addresses and networks in quotes "
                        + "('balancer.example' is not an address or network");
        Path open = Files.createDirectories(home.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertRefused(check("[host]\ndata_dir = \"" + open + "\"\n", Map.of()), "is open to others (rwxr-xr-x)");
    }

    @Test
    void theOtherSectionsErrorsNameTheKeyTheLineAndAnExampleAndNoJavaType() throws Exception {
        CliTestSupport.Result number = check("[host]\nssh_port = 2299\n\n[runner.containers]\npids_limit = \"abc\"\n",
                Map.of());
        assertRefused(number, "(line 5): runner.containers.pids_limit takes a whole number; for example pids_limit = 5");
        CliTestSupport.Result memory = check("[runner.containers]\ndefault_memory = \"lots\"\n", Map.of());
        assertRefused(memory, "(line 2): runner.containers.default_memory takes a size in quotes, like \"512M\" or "
                + "\"2G\" (\"0\" for no limit); got \"lots\"");
        CliTestSupport.Result toml = check("[client]\nhost = \"http://127.0.0.1:8000\"\nbastion = \n", Map.of());
        assertRefused(toml, "(line 3): not valid TOML");
        for (CliTestSupport.Result r : List.of(number, memory, toml)) {
            assertFalse(r.err().matches("(?s).*(java\\.|Cannot coerce|CoercionConfig|Exception).*"), r.err());
        }
    }

    @Test
    void aPostgresRegistryIsAskedWhetherItLetsTheHostIn() throws Exception {
        RegistryLocation db = PostgresServer.get().newDatabase();
        String config = "[host]\ndata_dir = \"" + home.resolve("data") + "\"\nregistry_url = \"" + db.url()
                + "\"\nregistry_key_file = \"" + db.keyFile() + "\"\n";
        CliTestSupport.Result good = check(config, Map.of("FERRY_REGISTRY_PASSWORD", PostgresServer.PASSWORD));
        assertEquals(0, good.code(), good.toString());
        assertTrue(good.out().contains("registry " + db.url() + " (it answers: PostgreSQL "), good.out());
        CliTestSupport.Result wrong = check(config, Map.of("FERRY_REGISTRY_PASSWORD", "not-it"));
        assertRefused(wrong, "does not let this Host in: FATAL: password authentication failed");
        assertTrue(!wrong.err().contains("not-it"), "the password is never printed: " + wrong.err());
        Path missingKey = home.resolve("no.key");
        assertRefused(check(config.replace(db.keyFile().toString(), missingKey.toString()),
                Map.of("FERRY_REGISTRY_PASSWORD", PostgresServer.PASSWORD)), "registry_key_file " + missingKey
                + " does not exist: make one with: head -c 32 /dev/urandom | base64");
    }

    private static void assertRefused(CliTestSupport.Result r, String sentence) {
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains(sentence), "'" + sentence + "' in: " + r.err());
    }
}

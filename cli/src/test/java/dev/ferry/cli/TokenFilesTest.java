package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Tokens from files, and the refusal of files (token files, config files with a token) that others may read. */
class TokenFilesTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private Host host;
    private String token;

    @BeforeEach
    void start() throws Exception {
        Path data = home.resolve("data");
        host = opened.add(Host.start(TestRegistries.of(HostConfig.defaults(data).withListeners("127.0.0.1", 0, "127.0.0.1", 0))));
        token = Files.readString(data.resolve("admin.token")).strip();
    }

    private Path file(String name, String text, String mode) throws Exception {
        Path f = home.resolve(name);
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void aClientReadsItsTokenFromTheFileNamedByTheFlag() throws Exception {
        Path f = file("admin.token", token + "\n", "rw-------");
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOST", host.apiUrl()), home,
                "vps", "list", "--token-file", f.toString());
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void aClientReadsItsTokenFromTheFileNamedInTheEnvironment() throws Exception {
        Path f = file("admin.token", token + "\n", "rw-------");
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOST", host.apiUrl(), "FERRY_TOKEN_FILE",
                f.toString()), home, "vps", "list");
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void aTokenFileOthersMayReadIsRefusedNamingTheFix() throws Exception {
        Path f = file("admin.token", token + "\n", "rw-r--r--");
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOST", host.apiUrl()), home,
                "vps", "list", "--token-file", f.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertEquals("ferry: permissions rw-r--r-- of " + f + " are too open: a token file must be readable by its "
                + "owner only (chmod 600 " + f + ")\n", r.err());
    }

    @Test
    void aRunnerTokenFileOthersMayReadIsRefusedNamingTheFix() throws Exception {
        Path f = file("runner.token", "some-runner-token-0123456789\n", "rw-r-----");
        // an advertised address checked after the token: were the token accepted, the runner still would not start
        CliTestSupport.Result r = CliTestSupport.run(Map.of(), home, "runner", "--name", "r1",
                "--host", host.apiUrl(), "--token-file", f.toString(), "--advertise", "not an address");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("permissions rw-r----- of " + f + " are too open: a token file must be "
                + "readable by its owner only (chmod 600 " + f + ")"), r.err());
    }

    @Test
    void aConfigFileHoldingATokenThatOthersMayReadIsRefusedNamingTheFix() throws Exception {
        Path config = file("client.toml", "[client]\nhost = \"" + host.apiUrl() + "\"\ntoken = \"" + token + "\"\n",
                "rw-r--r--");
        CliTestSupport.Result r = CliTestSupport.run(Map.of(), home, "vps", "list", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertEquals("ferry: permissions rw-r--r-- of " + config + " are too open: a config file that holds a token "
                + "must be readable by its owner only (chmod 600 " + config + "); or keep the token in a file of its "
                + "own (token_file)\n", r.err());
    }

    @Test
    void aConfigFileWithATokenFileMayBeReadByOthers() throws Exception {
        Path f = file("admin.token", token + "\n", "rw-------");
        Path config = file("client.toml", "[client]\nhost = \"" + host.apiUrl() + "\"\ntoken_file = \"" + f + "\"\n",
                "rw-r--r--");
        CliTestSupport.Result r = CliTestSupport.run(Map.of(), home, "vps", "list", "--config", config.toString());
        assertEquals(0, r.code(), r.toString());
    }
}

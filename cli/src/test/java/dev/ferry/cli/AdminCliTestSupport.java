package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The CLI as the admin of a Host listening on loopback ports: the Host's data directory under the test's home, its
 * URL and admin token in the CLI's environment, and alice's public key in a file. The Host is closed by the test's
 * {@link Opened}.
 */
final class AdminCliTestSupport {
    final Path home;
    final Path dataDir;
    final Host host;
    final Map<String, String> env;
    final SshPublicKey alice;
    final Path aliceFile;

    AdminCliTestSupport(Path home, Opened opened) throws Exception {
        this(home, opened, UnaryOperator.identity());
    }

    /** The same with {@code settings} applied over the tests' own. */
    AdminCliTestSupport(Path home, Opened opened, UnaryOperator<HostConfig> settings) throws Exception {
        this.home = home;
        dataDir = home.resolve("data");
        host = opened.add(Host.start(TestRegistries.of(settings.apply(HostConfig.defaults(dataDir).withListeners(
                "127.0.0.1", 0, "127.0.0.1", 0)))));
        env = Map.of("FERRY_HOST", host.apiUrl(), "FERRY_TOKEN",
                Files.readString(dataDir.resolve("admin.token")).strip());
        var pair = KeyPairs.generate();
        alice = SshPublicKey.of(pair.getPublic(), "alice@laptop");
        aliceFile = home.resolve("id_alice.pub");
        PrivateKeyFiles.writePublic(aliceFile, alice);
    }

    CliTestSupport.Result ferry(String... args) {
        return CliTestSupport.run(env, home, args);
    }

    /** Adds an external VPS with alice's key; returns its id. */
    String addVps(String name) {
        CliTestSupport.Result r = ferry("vps", "add", "--endpoint", "127.0.0.1:2200", "--name", name,
                "--ssh-key", aliceFile.toString());
        assertEquals(0, r.code(), r.toString());
        return r.out().strip();
    }
}

package dev.ferry.cli.runner;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.cli.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ferry runner}'s container options over config.toml {@code [runner.containers]}. */
class ContainerOptionsTest {
    @TempDir
    Path dir;

    private ContainerPolicy policy(String toml, String... flags) throws Exception {
        Path file = Files.writeString(dir.resolve("config.toml"), toml);
        ContainerOptions options = new ContainerOptions();
        new CommandLine(options).parseArgs(flags);
        return options.policy(ConfigFile.read(file, true).runner().containers());
    }

    @Test
    void defaultsWhenNothingIsSaid() throws Exception {
        assertEquals(ContainerPolicy.DEFAULTS, policy(""));
        assertEquals(2_000_000_000L, ContainerPolicy.DEFAULTS.nanoCpus(null));
        assertEquals(1_000_000_000L, ContainerPolicy.DEFAULTS.nanoCpus(1.0), "the VPS's own limit wins");
        assertFalse(ContainerPolicy.DEFAULTS.capabilities().contains("NET_RAW"));
    }

    @Test
    void theFileIsReadAndFlagsOverrideIt() throws Exception {
        String toml = "[runner.containers]\ncap_add = [\"net_raw\"]\npids_limit = 100\ndefault_cpus = 1\n"
                + "default_memory = \"512M\"\nallow_new_privileges = true\nstep_timeout_seconds = 5\n";
        ContainerPolicy file = policy(toml);
        assertEquals(Set.of("NET_RAW"), file.capAdd());
        assertTrue(file.capabilities().contains("NET_RAW") && file.capabilities().contains("SETUID"));
        assertEquals(100L, file.pidsLimit());
        assertEquals(512L << 20, file.memoryBytes(null));
        assertTrue(file.newPrivileges());
        assertEquals(Duration.ofSeconds(5), file.stepTimeout());

        ContainerPolicy flags = policy(toml, "--cap-add", "CAP_SYS_PTRACE", "--pids-limit", "4096",
                "--default-memory", "0", "--default-cpus", "0");
        assertEquals(Set.of("SYS_PTRACE"), flags.capAdd());
        assertEquals(4096L, flags.pidsLimit());
        assertEquals(null, flags.memoryBytes(null), "0: no limit");
        assertEquals(null, flags.nanoCpus(null));
    }

    @Test
    void badValuesNameTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> policy("", "--cap-add", "ROOTKIT"));
        assertTrue(e.getMessage().startsWith("--cap-add takes one Linux capability"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> policy("[runner.containers]\npids_limit = 3\n"));
        assertTrue(e.getMessage().startsWith("--pids-limit must be between 16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> policy("[runner.containers]\npids = 3\n"));
        assertTrue(e.getMessage().contains("unknown key 'runner.containers.pids'"), e.getMessage());
    }
}

package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution {@code mvn package} makes, unpacked as docs/operations.md's "Installing on a server" says: its
 * launcher runs the jars as they are, its sample config checks, its systemd units verify and are hardened, and a
 * Host started from it serves.
 */
class DistributionTest {
    @TempDir
    Path dir;

    private static Path archive() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("..", "cli", "target"))) {
            return files.filter(f -> f.getFileName().toString().matches("ferry-.*-dist\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no ferry-*-dist.tar.gz in cli/target: mvn package makes it"));
        }
    }

    @Test
    void theArchiveInstallsAndAHostRunsFromIt() throws Exception {
        Processes.run(List.of("tar", "xzf", archive().toAbsolutePath().toString(), "-C", dir.toString()), null, 120)
                .requireSuccess();
        Path root;
        try (Stream<Path> unpacked = Files.list(dir)) {
            root = unpacked.filter(p -> p.getFileName().toString().startsWith("ferry-")).findFirst().orElseThrow();
        }
        for (String file : List.of("ferry", "lib/ferry-cli.jar", "config.toml", "runner.toml", "README.md",
                "docs/ARCHITECTURE.md", "docs/operations.md", "systemd/ferry-host.service",
                "systemd/ferry-runner.service")) {
            assertTrue(Files.exists(root.resolve(file)), file);
        }
        assertTrue(Files.isExecutable(root.resolve("ferry")));
        assertFalse(Files.exists(root.resolve("pom.xml")), "no sources: nothing to build");

        Processes.Result version = Processes.run(List.of(root.resolve("ferry").toString(), "--version"), null, 60);
        assertTrue(version.requireSuccess().out().startsWith("ferry "), version.toString());
        assertFalse(Files.exists(root.resolve(".ferry-build.log")), "the launcher built nothing");
        Processes.Result check = Processes.run(List.of(root.resolve("ferry").toString(), "host", "--config",
                root.resolve("config.toml").toString(), "--check-config"), null, 60);
        assertTrue(check.requireSuccess().out().startsWith("the configuration is valid"), check.toString());

        String host = Files.readString(root.resolve("systemd/ferry-host.service"));
        String runner = Files.readString(root.resolve("systemd/ferry-runner.service"));
        for (String hardening : List.of("NoNewPrivileges=true", "ProtectSystem=strict", "ProtectHome=true",
                "PrivateTmp=true", "CapabilityBoundingSet=\n")) {
            assertTrue(host.contains(hardening) && runner.contains(hardening), hardening);
        }
        assertTrue(host.contains("User=ferry\n") && runner.contains("User=ferry-runner\n"), "each its own user");
        if (Files.isExecutable(Path.of("/usr/bin/systemd-analyze"))) {
            for (String unit : List.of("ferry-host.service", "ferry-runner.service")) {
                Path moved = Files.writeString(dir.resolve(unit), Files.readString(root.resolve("systemd/" + unit))
                        .replace("/opt/ferry", root.toString()));
                Processes.Result verify = Processes.run(List.of("systemd-analyze", "verify", moved.toString()),
                        null, 60);
                assertEquals(0, verify.exit(), verify.toString());
            }
        }

        HostProcess started = HostProcess.start(root.resolve("ferry"), dir.resolve("run"), HostProcess.freePort(),
                HostProcess.freePort(), "");
        try {
            assertTrue(started.apiUrl().startsWith("https://127.0.0.1:"), started.apiUrl());
            // a Host out of memory exits (its unit restarts it) instead of going on with threads that died
            String flags = started.jvmFlags();
            assertTrue(flags.contains("-XX:+ExitOnOutOfMemoryError"), flags);
        } finally {
            started.close();
        }
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.ContainerState;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user tripped on in the first hour (issue 21), through the real CLI and the real ssh client: commands
 * people guess, a mistyped one answered in a line, a key written elsewhere found by connect and removed with its
 * VPS, a refused create leaving no key behind.
 */
class FirstHourTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private ClientSshTestSupport t;

    @BeforeEach
    void start() throws Exception {
        t = opened.add(new ClientSshTestSupport(home));
    }

    @Test
    void aMistypedCommandIsAnsweredInALineWithTheClosestCommand() {
        CliTestSupport.Result lst = t.ferry("vps", "lst");
        assertEquals(2, lst.code(), lst.toString());
        assertEquals(String.join("\n", "ferry: 'lst' is not a command of ferry vps",
                "did you mean: ferry vps list?", "see: ferry vps --help"), lst.err().strip());

        CliTestSupport.Result noKey = t.ferry("vps", "create", "--image", "ferry-test/sshd:1");
        assertEquals(2, noKey.code(), noKey.toString());
        assertTrue(noKey.err().contains("--ssh-key") && noKey.err().contains("--gen-ssh-key"), noKey.err());
        assertTrue(noKey.err().strip().endsWith("see: ferry vps create --help"), noKey.err());
        assertTrue(noKey.err().strip().lines().count() <= 3, "a line or two, no usage: " + noKey.err());
    }

    @Test
    void printedCommandsNameTheLauncherAsItWasRun() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Processes.Result local = Processes.run(List.of("./ferry", "vps", "lst"), null, 300, root);
        assertTrue(local.err().contains("did you mean: ./ferry vps list?"), local.toString());
        Processes.Result onPath = Processes.run(List.of("env", "PATH=" + root + ":" + System.getenv("PATH"), "ferry",
                "vps", "lst"), null, 300, home);
        assertTrue(onPath.err().contains("did you mean: ferry vps list?"), onPath.toString());
    }

    @Test
    void aCommandTheHostNamesInARefusalIsWrittenAsTheUserRunsFerry() throws Exception {
        String id = t.createRunning("web");
        assertEquals(0, t.ferry("vps", "pause", "web").code());
        t.runner.report(id, ContainerState.PAUSED, t.sshd().port(), null);
        t.awaitStatus(id, "paused");
        // the Host writes "ferry vps resume"; from a checkout the user runs ./ferry, as the launcher says
        CliTestSupport.Result fromCheckout = CliTestSupport.run(Map.of("FERRY_LAUNCHER", "./ferry"), home, "vps",
                "connect", "web");
        assertEquals(4, fromCheckout.code(), fromCheckout.toString());
        assertEquals("ferry: vps-" + id + " is paused; resume it with: ./ferry vps resume " + id,
                fromCheckout.err().strip());
        CliTestSupport.Result missing = CliTestSupport.run(Map.of("FERRY_LAUNCHER", "./ferry"), home, "vps",
                "status", "nope");
        assertEquals("ferry: no VPS 'nope' is registered (see: ./ferry vps list)", missing.err().strip());
        assertTrue(t.ferry("vps", "connect", "web").err().contains("resume it with: ferry vps resume " + id),
                "on the PATH, as ferry");
    }

    @Test
    void removeWaitsForItsRunnerToRemoveTheContainer() throws Exception {
        String id = t.createRunning("web");
        CompletableFuture<CliTestSupport.Result> remove = CompletableFuture.supplyAsync(() -> t.ferry("vps", "remove",
                "web", "--yes", "--wait"));
        Thread.sleep(1500); // heartbeats every 200 ms that still report its container
        assertFalse(remove.isDone(), "returned while its runner still had the container");
        assertEquals(3, t.ferry("vps", "status", "web").code(), "its name is free at once");
        t.runner.gone(id);
        CliTestSupport.Result removed = remove.get(30, TimeUnit.SECONDS);
        assertEquals(0, removed.code(), removed.toString());
        assertEquals("removed vps-" + id + ", its container gone from runner r1", removed.out().strip());

        String other = t.createRunning("db");
        CliTestSupport.Result late = t.ferry("vps", "remove", "db", "--yes", "--wait", "--wait-timeout", "1");
        assertEquals(5, late.code(), late.toString());
        assertTrue(late.err().contains("vps-" + other + " is removed, but runner r1 still had its container at its "
                + "last report after 1 s (runner online, Docker ok)"), late.err());
    }

    @Test
    void startStartsAStoppedVpsAndLeavesARunningOneAlone() throws Exception {
        String id = t.createRunning("web");
        CliTestSupport.Result running = t.ferry("vps", "start", "web");
        assertEquals(0, running.code(), running.toString());
        assertEquals("vps-" + id + ": already running", running.out().strip());

        assertEquals(0, t.ferry("vps", "stop", "web").code());
        t.runner.report(id, ContainerState.STOPPED, null, null);
        t.awaitStatus(id, "stopped");
        CompletableFuture<CliTestSupport.Result> start = CompletableFuture.supplyAsync(() -> t.ferry("vps", "start",
                "web", "--wait"));
        t.awaitStatus(id, "assigning");
        t.runner.report(id, ContainerState.RUNNING, t.sshd().port(), null);
        CliTestSupport.Result started = start.get(30, TimeUnit.SECONDS);
        assertEquals(0, started.code(), started.toString());
        assertEquals("vps-" + id + ": running", started.out().strip());
    }

    @Test
    void aKeyWrittenElsewhereIsFoundByConnectAndGoesWithItsVps() throws Exception {
        Path key = home.resolve("web.key");
        String id = t.createRunning("web", key);
        assertTrue(t.lastCreate.err().contains("connect with: ferry vps connect " + id), t.lastCreate.err());
        CliTestSupport.Result r = t.ferry("vps", "connect", id, "--", "echo found-the-key; exit 5");
        assertEquals(5, r.code(), r + "\nssh: " + t.connectLog());
        assertEquals("found-the-key", t.connectLog().strip());

        CliTestSupport.Result removed = t.ferry("vps", "remove", "web");
        assertEquals(0, removed.code(), removed.toString());
        assertTrue(removed.err().contains("deleted its generated key " + key), removed.err());
        assertFalse(Files.exists(key) || Files.exists(Path.of(key + ".pub")), "the key went with its VPS");
        try (Stream<Path> left = Files.list(home.resolve(".ferry/keys"))) {
            assertEquals(0, left.filter(p -> p.getFileName().toString().startsWith("vps-" + id)).count(),
                    "nor is a note of it left");
        }
    }

    @Test
    void aRefusedCreateLeavesNoKeyBehind() throws Exception {
        CliTestSupport.Result bad = t.ferry("vps", "create", "--image", "ferry-test/sshd:1", "--name", "web",
                "--gen-ssh-key", "--memory", "lots");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        Path keys = home.resolve(".ferry/keys");
        if (Files.isDirectory(keys)) {
            try (Stream<Path> left = Files.list(keys)) {
                assertEquals(0, left.filter(p -> p.getFileName().toString().startsWith("vps-pending-")).count(),
                        "no pending key files");
            }
        }
    }
}

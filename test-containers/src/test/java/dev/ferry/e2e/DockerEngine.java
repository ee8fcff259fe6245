package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Restarts the Docker engine the tests run against, the way it was started. */
final class DockerEngine {
    private DockerEngine() {
    }

    static void restart() throws Exception {
        if (Files.isDirectory(Path.of("/run/systemd/system"))
                && Processes.run(List.of("systemctl", "is-active", "--quiet", "docker"), null, 30).exit() == 0) {
            Processes.run(List.of("systemctl", "restart", "docker"), null, 120).requireSuccess();
        } else {
            List<Long> engines = liveDockerd();
            assertEquals(1, engines.size(), "expected one running dockerd to restart, found " + engines);
            long pid = engines.get(0);
            Processes.run(List.of("kill", "-TERM", Long.toString(pid)), null, 30).requireSuccess();
            // a stopped dockerd whose parent does not reap it stays a zombie: gone is "not alive", not "not listed"
            waitFor(() -> !alive(pid), 60, "dockerd (pid " + pid + ") to stop");
            Path log = Path.of(System.getProperty("user.home"), ".cache", "ferry", "dockerd.log");
            Files.createDirectories(log.getParent());
            // setsid: the engine must outlive this test JVM, as the one it replaces did
            Processes.run(List.of("bash", "-c", "setsid nohup dockerd >> '" + log + "' 2>&1 < /dev/null &"), null, 30)
                    .requireSuccess();
        }
        waitFor(() -> Processes.run(List.of("docker", "info"), null, 30).exit() == 0, 90, "dockerd to answer again");
    }

    private static List<Long> liveDockerd() {
        Processes.Result found = Processes.run(List.of("pgrep", "-x", "dockerd"), null, 30);
        if (found.exit() != 0) {
            return List.of();
        }
        return found.out().lines().map(String::strip).filter(l -> !l.isEmpty()).map(Long::parseLong)
                .filter(DockerEngine::alive).toList();
    }

    /** Whether the process exists and is not a zombie ({@code /proc/PID/stat} state after the command name). */
    private static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException gone) {
            return false;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier done, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(500);
        }
    }
}

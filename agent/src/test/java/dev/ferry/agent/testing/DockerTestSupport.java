package dev.ferry.agent.testing;

import dev.ferry.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Set-up for tests against the real Docker engine: the test images (built by test-containers/images/build.sh,
 * cached, so instant after the first time), the docker and ssh command lines, and clean-up of the containers
 * the tests made (their runner names start with {@value #RUNNER_PREFIX}). Nothing here skips: a machine
 * without Docker fails these tests with the reason.
 */
public final class DockerTestSupport {
    public static final String RUNNER_PREFIX = "agent-test-";
    public static final String SSHD_IMAGE = "ferry-test/sshd:1";
    public static final String ENTRYPOINT_ONLY_IMAGE = "ferry-test/entrypoint-only:1";
    public static final String NO_SSHD_IMAGE = "ferry-test/no-sshd:1";
    /** An image whose command is its own sshd (pid 1): the start-up step takes over its config. */
    public static final String OWN_SSHD_IMAGE = "ferry-test/own-sshd:1";

    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() << 22);

    private DockerTestSupport() {
    }

    /** The exit code of a command and what it printed (stdout, then stderr). */
    public record Result(int code, String out) {
        public Result ok() {
            if (code != 0) {
                throw new AssertionError("exit " + code + ": " + out);
            }
            return this;
        }
    }

    /** @return a fresh VPS id in the snowflake form */
    public static String newVpsId() {
        return Long.toString(IDS.incrementAndGet());
    }

    /** @return a runner name that marks its containers as the tests' */
    public static String newRunnerName() {
        return RUNNER_PREFIX + Long.toString(System.nanoTime() & 0xffffffL, 36);
    }

    /** Removes every container the agent tests made, in this run or an earlier one. */
    public static void removeTestContainers() {
        Result ps = run(List.of("docker", "ps", "-a", "--filter", "label=ferry.managed=true",
                "--format", "{{.ID}} {{.Label \"ferry.runner\"}}"), 30);
        List<String> ids = new ArrayList<>();
        for (String line : ps.out().split("\n")) {
            String[] parts = line.strip().split(" ");
            if (parts.length == 2 && parts[1].startsWith(RUNNER_PREFIX)) {
                ids.add(parts[0]);
            }
        }
        if (!ids.isEmpty()) {
            List<String> cmd = new ArrayList<>(List.of("docker", "rm", "-f", "-v"));
            cmd.addAll(ids);
            run(cmd, 60);
        }
    }

    public static Result docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        return run(cmd, 60);
    }

    public static String publicKey(Path key) {
        try {
            return Files.readString(Path.of(key + ".pub")).strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs {@code command} over SSH as root with OpenSSH's client and only this key. */
    public static Result ssh(Path key, int port, String command) {
        return run(List.of("ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR",
                "-i", key.toString(), "-p", Integer.toString(port), "root@127.0.0.1", command), 30);
    }

    /** Runs {@code cmd} with no input; what it printed on stdout and stderr, in that order, is the result's out. */
    public static Result run(List<String> cmd, int timeoutSeconds) {
        Processes.Result r = Processes.run(cmd, new byte[0], timeoutSeconds);
        return new Result(r.exit(), r.out() + r.err());
    }
}

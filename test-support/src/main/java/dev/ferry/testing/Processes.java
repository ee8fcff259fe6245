package dev.ferry.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real programs (ssh, scp, sshd, ssh-keygen) with a deadline and keeps what they print. */
public final class Processes {
    /** What a finished program left. */
    public record Result(List<String> command, int exit, String out, String err) {
        public Result requireSuccess() {
            if (exit != 0) {
                throw new AssertionError(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + "\n-> exit " + exit + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    private Processes() {
    }

    /**
     * Runs {@code n} programs at once ({@code run.apply(i)} for each i) and returns those that failed or did not
     * print {@code i}: the programs are expected to {@code echo} their number.
     */
    public static List<String> inParallelEchoingTheirNumber(int n, java.util.function.IntFunction<Result> run)
            throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<Result>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int number = i;
                runs.add(pool.submit(() -> run.apply(number)));
            }
            List<String> failed = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Result r = runs.get(i).get();
                if (r.exit() != 0 || !r.out().strip().equals(Integer.toString(i))) {
                    failed.add(i + ": " + r);
                }
            }
            return failed;
        } finally {
            pool.shutdownNow();
        }
    }

    public static Result run(List<String> command, byte[] stdin, int timeoutSeconds) {
        return run(command, stdin, timeoutSeconds, null);
    }

    public static Result run(List<String> command, byte[] stdin, int timeoutSeconds, Path cwd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command);
            if (cwd != null) {
                pb.directory(cwd.toFile());
            }
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = pump(p.getInputStream(), out);
            Thread e = pump(p.getErrorStream(), err);
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException closedEarly) {
                // the program did not read all of stdin; its exit status says whether that matters
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                o.join(2000);
                e.join(2000);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds
                        + " s\n--- stdout:\n" + out.toString(StandardCharsets.UTF_8) + "--- stderr:\n"
                        + err.toString(StandardCharsets.UTF_8));
            }
            o.join();
            e.join();
            return new Result(command, p.exitValue(), out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException ignored) {
                // the process went away
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}

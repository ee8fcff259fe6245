package dev.ferry.bastion.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A program left running during a test (ssh -N -L, an agent), killed on close, with what it printed. */
final class Background implements AutoCloseable {
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Background(Process process) {
        this.process = process;
        pump(process.getInputStream(), out);
        pump(process.getErrorStream(), err);
    }

    static Background start(List<String> command) throws IOException {
        return new Background(new ProcessBuilder(command).start());
    }

    /** Kills it and what it started (ssh's ProxyJump child) at once (SIGKILL), as a client that vanishes. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits until something accepts connections on this loopback port. */
    void awaitPort(int port) throws InterruptedException {
        await(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }, 20, "port " + port + " to open");
    }

    void awaitFile(Path file) throws InterruptedException {
        await(() -> Files.exists(file), 20, file + " to appear");
    }

    void awaitStdout(String text, int seconds) throws InterruptedException {
        await(() -> text(out).contains(text), seconds, "'" + text + "' on stdout");
    }

    Matcher awaitStderr(Pattern pattern, int seconds) throws InterruptedException {
        Matcher[] found = new Matcher[1];
        await(() -> {
            Matcher m = pattern.matcher(text(err));
            if (m.find()) {
                found[0] = m;
                return true;
            }
            return false;
        }, seconds, pattern + " on stderr");
        return found[0];
    }

    private interface Check {
        boolean holds();
    }

    private void await(Check check, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (check.holds()) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        if (check.holds()) {
            return;
        }
        throw new AssertionError("waited in vain for " + what + " (" + (process.isAlive() ? "running" : "exited "
                + process.exitValue()) + ")\n--- stdout:\n" + text(out) + "--- stderr:\n" + text(err));
    }

    private static String text(ByteArrayOutputStream s) {
        synchronized (s) {
            return s.toString(StandardCharsets.UTF_8);
        }
    }

    private static void pump(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process went away
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

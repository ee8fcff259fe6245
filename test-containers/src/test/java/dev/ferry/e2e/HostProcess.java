package dev.ferry.e2e;

import dev.ferry.cli.Env;
import dev.ferry.keys.tls.TlsPin;
import dev.ferry.testing.FreePorts;
import dev.ferry.testing.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.ferry.cli.Main;

/**
 * {@code ferry host --config FILE} as its own process, started by the repository's launcher as a user starts it
 * (with the JVM options the launcher chooses), so that a test can {@code kill -9} it, start it again on the same
 * data directory and ports, and measure it from outside ({@code jcmd}, {@code /proc}). What it prints is
 * appended to {@code host-process.log} beside the config file.
 */
final class HostProcess implements AutoCloseable {
    private static final Path LAUNCHER = Path.of("..", "ferry").toAbsolutePath().normalize();
    private static final Pattern READY = Pattern.compile(
            "ferry host ready: ssh \\S+, api (https://[^ ]+) \\(TLS key (sha256:[^)]+)\\)");

    private final Path launcher;
    private final Path config;
    private final Path data;
    private final int sshPort;
    private Process process;
    private String apiUrl;
    private TlsPin pin;

    /** A Java thread's line in {@code jcmd Thread.print}: its quoted name, then its number. */
    private static final Pattern JAVA_THREAD = Pattern.compile("(?m)^\"(.*)\" #\\d+ ");

    /**
     * The Host's live heap after a full GC, its resident size (KiB) and its threads: its Java threads, without the
     * JIT's compiler threads, which the JVM starts and ends by itself as it compiles (as it does its GC workers,
     * which are no Java threads): what would grow if the Host took a thread per session.
     */
    record State(long heapKiB, long rssKiB, int threads) {
    }

    private HostProcess(Path launcher, Path config, Path data, int sshPort) {
        this.launcher = launcher;
        this.config = config;
        this.data = data;
        this.sshPort = sshPort;
    }

    /**
     * Writes a config for a Host on 127.0.0.1 with these ports (TLS on its control API, 127.0.0.1 exempt from
     * penalties, 3 s connect timeout) and starts it.
     */
    static HostProcess start(Path dir, int sshPort, int apiPort) throws Exception {
        return start(dir, sshPort, apiPort, "penalty_exempt = [\"127.0.0.1\"]\n");
    }

    /** The same with these [host] lines instead of the penalty exemption. */
    static HostProcess start(Path dir, int sshPort, int apiPort, String moreHostConfig) throws Exception {
        return start(LAUNCHER, dir, sshPort, apiPort, moreHostConfig);
    }

    /** The same through another launcher (an unpacked distribution's). */
    static HostProcess start(Path launcher, Path dir, int sshPort, int apiPort, String moreHostConfig)
            throws Exception {
        Path data = dir.resolve("host");
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("config.toml"), """
                [host]
                data_dir = "%s"
                bind = "127.0.0.1"
                ssh_port = %d
                api_bind = "127.0.0.1"
                api_port = %d
                api_tls = true
                connect_timeout_seconds = 3
                """.formatted(data, sshPort, apiPort) + moreHostConfig);
        HostProcess h = new HostProcess(launcher, config, data, sshPort);
        h.startAgain();
        return h;
    }

    /** Starts the Host (again) and waits for its ready line (60 s at most). */
    void startAgain() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the Host process still runs");
        }
        Path log = config.resolveSibling("host-process.log");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "host", "--config", config.toString());
        pb.environment().put("FERRY_HOME", data.toString());
        pb.redirectErrorStream(true);
        process = pb.start();
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        List<String> seen = new ArrayList<>();
        Thread pump = new Thread(() -> copy(log, ready, seen), "host-process-output");
        pump.setDaemon(true);
        pump.start();
        try {
            Matcher m = ready.get(60, TimeUnit.SECONDS);
            apiUrl = m.group(1);
            pin = TlsPin.parse(m.group(2));
        } catch (Exception e) {
            process.destroyForcibly();
            synchronized (seen) {
                throw new AssertionError("no ready line from ferry host; it printed:\n" + String.join("\n", seen), e);
            }
        }
    }

    /** Copies the output to the log, completing {@code ready} at the ready line; keeps the pipe from filling. */
    private void copy(Path log, CompletableFuture<Matcher> ready, List<String> seen) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line + "\n");
                out.flush();
                if (!ready.isDone()) {
                    synchronized (seen) {
                        seen.add(line);
                    }
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ready.complete(m);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        ready.completeExceptionally(new IOException("the Host process ended"));
    }

    /** {@code kill -9}: no shutdown hook, no goodbye to anyone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the Host process did not die of SIGKILL");
        }
    }

    /**
     * A free port below the ephemeral range (32768 and up), where the runner's Docker publishes VPS sshds and
     * outgoing connections take their local ports: the Host gets the same ports back after its kill only if
     * nothing took them meanwhile, as an operator's fixed ports are.
     */
    static int freePort() throws IOException {
        return FreePorts.between(20000, 32000);
    }

    int sshPort() {
        return sshPort;
    }

    String apiUrl() {
        return apiUrl;
    }

    int apiPort() {
        return java.net.URI.create(apiUrl).getPort();
    }

    TlsPin pin() {
        return pin;
    }

    Path data() {
        return data;
    }

    /** What the CLI needs to reach this Host: its URL, admin token and pinned key. */
    Map<String, String> cliEnv() throws IOException {
        return Map.of("FERRY_HOST", apiUrl, "FERRY_TOKEN", Files.readString(data.resolve("admin.token")).strip(),
                "FERRY_HOST_FINGERPRINT", pin.toString());
    }

    /** {@code ferry ARGS} in this JVM against this Host. */
    Processes.Result ferry(String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = Main.commandLine(new Env(cliEnv(), config.getParent()));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Processes.Result(List.of(args), code, out.toString(), err.toString());
    }

    /** The Host's log file. */
    String log() {
        try {
            return Files.readString(data.resolve("logs/ferry-host.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The last {@code max} warnings and errors of the Host's log, for a failing test to print: CI keeps the
     * console, not the files.
     */
    String warnings(int max) {
        try {
            List<String> lines = Files.readAllLines(data.resolve("logs/ferry-host.log")).stream()
                    .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - max), lines.size()));
        } catch (IOException e) {
            return "(no Host log: " + e + ")";
        }
    }

    /** Measures the Host now: two full GCs, then its heap, RSS and threads. */
    State state() {
        jcmd("GC.run");
        jcmd("GC.run");
        Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new AssertionError("no heap figure from jcmd GC.heap_info");
        }
        return new State(Long.parseLong(used.group(1)), status("VmRSS"), threads());
    }

    /**
     * The state once the Host's thread count has come back to at most {@code before}'s plus four (pools shrink a
     * minute after they were last busy), or after 100 s.
     */
    State settled(State before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
        while (threads() > before.threads() + 4 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
        }
        return state();
    }

    /** How many live instances of the class the Host holds, after the full GC a class histogram makes. */
    long liveInstances(String className) {
        for (String line : jcmd("GC.class_histogram").split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 4 && f[3].equals(className)) {
                return Long.parseLong(f[1]);
            }
        }
        return 0;
    }

    /** The Host's Java threads but the JIT's compilers (see {@link State}). */
    private int threads() {
        return (int) JAVA_THREAD.matcher(jcmd("Thread.print")).results()
                .filter(m -> !m.group(1).contains("CompilerThread")).count();
    }

    /** The JVM's flags as it runs ({@code jcmd VM.flags}): what the launcher chose. */
    String jvmFlags() {
        return jcmd("VM.flags");
    }

    private String jcmd(String command) {
        return Processes.run(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command), null, 60).requireSuccess().out();
    }

    private long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no " + field + " in /proc/" + process.pid() + "/status");
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}

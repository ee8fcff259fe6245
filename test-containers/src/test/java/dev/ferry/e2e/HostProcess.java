package dev.ferry.e2e;

import dev.ferry.keys.tls.TlsPin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 * {@code ferry host --config FILE} as its own process (a JVM of this class path), so that a test can
 * {@code kill -9} it and start it again on the same data directory and ports. What it prints is appended to
 * {@code host-process.log} beside the config file.
 */
final class HostProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile(
            "ferry host ready: ssh \\S+, api (https://[^ ]+) \\(TLS key (sha256:[^)]+)\\)");

    private final Path config;
    private final Path data;
    private Process process;
    private String apiUrl;
    private TlsPin pin;

    private HostProcess(Path config, Path data) {
        this.config = config;
        this.data = data;
    }

    /**
     * Writes a config for a Host on 127.0.0.1 with these ports (TLS on its control API, 127.0.0.1 exempt from
     * penalties, 3 s connect timeout) and starts it.
     */
    static HostProcess start(Path dir, int sshPort, int apiPort) throws Exception {
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
                penalty_exempt = ["127.0.0.1"]
                """.formatted(data, sshPort, apiPort));
        HostProcess h = new HostProcess(config, data);
        h.startAgain();
        return h;
    }

    /** Starts the Host (again) and waits for its ready line (60 s at most). */
    void startAgain() throws Exception {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the Host process still runs");
        }
        Path log = config.resolveSibling("host-process.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName(), "host", "--config", config.toString());
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

    String apiUrl() {
        return apiUrl;
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

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}

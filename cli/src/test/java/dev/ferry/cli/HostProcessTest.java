package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.ssh.SshdFixture;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import dev.ferry.testing.Await;
import dev.ferry.testing.Processes;
import dev.ferry.testing.SshKeygen;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry host} as its own process: first start, signals, {@code kill -9}, a second Host. */
class HostProcessTest {
    private static final Pattern READY = Pattern.compile("ferry host ready: ssh \\S+:(\\d+), api (http://[^,]+),");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    /** A started Host process and what it printed. */
    private record HostProcess(Process process, String apiUrl, List<String> output, int sshPort) {
    }

    @AfterEach
    void killAll() {
        started.forEach(Process::destroyForcibly);
    }

    private Process spawn(Path dataDir) throws IOException {
        return spawn(dataDir, "host");
    }

    private Process spawn(Path dataDir, String... command) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classpath, Main.class.getName()));
        args.addAll(List.of(command));
        args.addAll(List.of("--data-dir", dataDir.toString(), "--ssh-port", "0", "--api-port", "0"));
        ProcessBuilder pb = new ProcessBuilder(args);
        pb.environment().put("FERRY_HOME", dataDir.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private HostProcess startHost(Path dataDir) throws Exception {
        Process p = spawn(dataDir);
        List<String> output = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            output.add(line);
            Matcher m = READY.matcher(line);
            if (m.find()) {
                drain(out);
                return new HostProcess(p, m.group(2), output, Integer.parseInt(m.group(1)));
            }
        }
        throw new AssertionError("no ready line from ferry host; it printed:\n" + String.join("\n", output));
    }

    @Test
    void upWithItsApiOverTlsEnrollsItsRunnerPinningItsOwnKey() throws Exception {
        Path data = dir.resolve("up");
        Process p = spawn(data, "up", "--api-tls");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> output = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            output.add(line);
            if (line.contains("runner local registered with the Host at https://")) {
                drain(out);
                assertTrue(Files.exists(data.resolve("runner/local.credential")));
                return;
            }
        }
        throw new AssertionError("ferry up --api-tls did not register its runner; it printed:\n"
                + String.join("\n", output));
    }

    private static void drain(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe from filling up
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private HttpResponse<String> api(HostProcess h, String method, String path, String body) throws Exception {
        String token = Files.readString(dir.resolve("admin.token")).strip();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.apiUrl() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void statusSaysWhereTheHostIsAndDownStopsIt() throws Exception {
        HostProcess h = startHost(dir);
        // noted once it has started, a moment after its ready line
        Await.until("the running Host noted in its data directory", Duration.ofSeconds(10),
                () -> Files.exists(dir.resolve("ferry.pid")));
        Map<String, String> env = Map.of("FERRY_HOME", dir.toString());
        CliTestSupport.Result status = CliTestSupport.run(env, dir, "status", "--host", h.apiUrl(), "--token-file",
                dir.resolve("admin.token").toString());
        assertEquals(0, status.code(), status.toString());
        assertTrue(status.out().startsWith("Host " + h.apiUrl() + ": up; SSH on port " + h.sshPort()), status.out());
        assertTrue(status.out().contains("runners: none enrolled"), status.out());

        CliTestSupport.Result down = CliTestSupport.run(env, dir, "down", "--data-dir", dir.toString());
        assertEquals(0, down.code(), down.toString());
        assertTrue(down.out().startsWith("stopped the Host running from " + dir + " (process "
                + h.process().pid() + ")"), down.out());
        assertFalse(h.process().isAlive(), "stopped by the time down returns");
        assertTrue(Files.readString(dir.resolve("logs/ferry-host.log")).contains("ferry host stopped"),
                "stopped as a signal stops it, cleanly");
        assertFalse(Files.exists(dir.resolve("ferry.pid")), "its note went with it");

        CliTestSupport.Result again = CliTestSupport.run(env, dir, "down", "--data-dir", dir.toString());
        assertEquals(0, again.code(), again.toString());
        assertEquals("no Host runs from " + dir + ": nothing to stop", again.out().strip());
        CliTestSupport.Result none = CliTestSupport.run(env, dir, "status", "--host", h.apiUrl(), "--token-file",
                dir.resolve("admin.token").toString());
        assertEquals(ExitCodes.UNAVAILABLE, none.code(), none.toString());
        assertTrue(none.err().contains("Start one with 'ferry up'"), none.err());
    }

    @Test
    void firstStartCreatesItsFilesAndSigtermStopsIt() throws Exception {
        HostProcess h = startHost(dir);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("admin.token"))));
        assertTrue(Files.readString(dir.resolve("admin.token")).strip().length() >= 32);
        Path hostKey = dir.resolve("host_keys/ssh_host_ed25519_key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey)));
        assertEquals("ssh-ed25519", SshPublicKey.of(PrivateKeyFiles.read(hostKey).getPublic(), "").type());
        assertTrue(Files.exists(dir.resolve("registry.mv.db")));
        assertEquals(200, api(h, "GET", "/api/v1/vps", null).statusCode());

        h.process().destroy(); // SIGTERM
        assertTrue(h.process().waitFor(30, TimeUnit.SECONDS), "ferry host did not stop on SIGTERM");
        String log = Files.readString(dir.resolve("logs/ferry-host.log"));
        assertTrue(log.contains("ferry host ready"), log);
        assertTrue(log.contains("ferry host stopped"), log);
        assertFalse(log.contains(Files.readString(dir.resolve("admin.token")).strip()), "the token must not be logged");
    }

    @Test
    void keepsWhatItAnsweredForAcrossKill9() throws Exception {
        HostProcess h = startHost(dir);
        String key = Files.readString(Path.of(System.getProperty("user.dir"))
                .resolve("src/test/resources/alice.pub")).strip();
        HttpResponse<String> created = api(h, "POST", "/api/v1/vps",
                "{\"endpoint\": \"127.0.0.1:2200\", \"name\": \"kept\", \"keys\": [\"" + key + "\"]}");
        assertEquals(201, created.statusCode(), created.body());
        h.process().destroyForcibly(); // SIGKILL straight after the answer
        h.process().waitFor(30, TimeUnit.SECONDS);

        HostProcess again = startHost(dir);
        HttpResponse<String> found = api(again, "GET", "/api/v1/vps/kept", null);
        assertEquals(200, found.statusCode(), found.body());
        assertTrue(found.body().contains("alice@example"), found.body());
    }

    @Test
    void aSecondHostOnTheSameDataDirectoryIsRefused() throws Exception {
        startHost(dir);
        Process second = spawn(dir);
        assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second host should give up");
        String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, second.exitValue());
        assertTrue(out.contains("in use by another process"), out);
    }

    @Test
    void aTerminalRecordingSurvivesKill9UpToItsLastSecond(@TempDir Path vps) throws Exception {
        HostProcess h = startHost(dir);
        Path key = SshKeygen.ed25519(dir.resolve("keys"), "alice");
        Path userCa = Files.writeString(dir.resolve("user_ca.pub"), SshPublicKey.of(PrivateKeyFiles.read(
                dir.resolve("ca/user_ca_ed25519")).getPublic(), "ferry-user-ca").toOpenSsh() + "\n");
        // the VPS's sshd in a directory of its own: sshd needs its path open to others, the Host's data directory
        // must not be
        try (SshdFixture sshd = SshdFixture.start(vps, List.of(), SshdFixture.certificateLogins(vps, userCa), 0)) {
            HttpResponse<String> created = api(h, "POST", "/api/v1/vps", "{\"endpoint\": \"" + sshd.endpoint()
                    + "\", \"name\": \"web\", \"keys\": [\"" + Files.readString(Path.of(key + ".pub")).strip()
                    + "\"]}");
            assertEquals(201, created.statusCode(), created.body());
            String id = created.body().replaceAll("(?s).*\"id\" ?: ?\"(\\d+)\".*", "$1");
            sshd.acceptCertificatesFor(Long.parseLong(id));

            Process ssh = new ProcessBuilder("ssh", "-tt", "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o",
                    "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-p",
                    Integer.toString(h.sshPort()), "vps-web@127.0.0.1").redirectErrorStream(true).start();
            started.add(ssh);
            StringBuffer shown = new StringBuffer();
            Thread reader = new Thread(() -> {
                try (var in = ssh.getInputStream()) {
                    byte[] b = new byte[4096];
                    for (int n; (n = in.read(b)) > 0; ) {
                        shown.append(new String(b, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException ignored) {
                    // ssh ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            ssh.getOutputStream().write("printf 'before-kill-%s\\n' $((6 * 7))\n".getBytes(StandardCharsets.UTF_8));
            ssh.getOutputStream().flush();
            Await.until("the shell answered", Duration.ofSeconds(20), () -> shown.indexOf("before-kill-42") >= 0);
            Thread.sleep(2500); // the recording writes a member every second: two have been written since

            h.process().destroyForcibly(); // SIGKILL mid-session
            h.process().waitFor(30, TimeUnit.SECONDS);
            Path cast;
            try (var files = Files.walk(dir.resolve("recordings"))) {
                cast = files.filter(f -> f.toString().endsWith(".cast.gz")).findFirst().orElseThrow();
            }
            String session = cast.getParent().getFileName().toString();
            Processes.Result zcat = Processes.run(List.of("sh", "-c", "zcat " + cast + " > " + dir.resolve("s.cast")),
                    new byte[0], 10);
            assertTrue(Files.readString(dir.resolve("s.cast")).contains("before-kill-42"), zcat.toString());
            Processes.Result played = Processes.run(List.of("script", "-qec", "stty -onlcr; asciinema cat "
                    + dir.resolve("s.cast"), "/dev/null"), new byte[0], 30);
            assertTrue(played.out().contains("before-kill-42"), "the prefix plays: " + played);

            HostProcess again = startHost(dir);
            HttpResponse<String> verified = api(again, "GET", "/api/v1/sessions/" + session + "/verify", null);
            assertEquals(200, verified.statusCode(), verified.body());
            assertTrue(verified.body().contains("\"status\" : \"not closed\""), verified.body());
            assertFalse(verified.body().contains("\"ok\""), verified.body());
            HttpResponse<String> replay = api(again, "GET", "/api/v1/sessions/" + session + "/recordings/"
                    + cast.getFileName().toString().replace(".cast.gz", ""), null);
            assertEquals(200, replay.statusCode(), replay.body());
            assertTrue(replay.body().contains("before-kill-42"), replay.body());
        }
    }
}

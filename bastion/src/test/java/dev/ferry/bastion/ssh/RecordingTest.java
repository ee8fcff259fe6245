package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.bastion.HostApi;
import dev.ferry.testing.Await;
import dev.ferry.testing.FreePorts;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What plain mode records (issue 20), with the stock OpenSSH client: a terminal session as asciicast v2 that Debian's
 * asciinema plays back as the client showed it, commands with their exit status, forwards with their targets and
 * bytes, and each file's SHA-256 kept when it closes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private PlainModeTestSupport plain;
    private BastionTestSupport t;
    private Path dir;
    private HostApi api;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        plain = PlainModeTestSupport.start(dir, opened);
        t = plain.t;
        api = new HostApi(t.host);
    }

    private HttpResponse<String> get(String path) {
        return api.get(path);
    }

    /** The session ids of the audit's logins, in order. */
    private List<String> sessionIds() {
        return t.audit.named("login", e -> true).stream().map(e -> e.get("session").asText()).toList();
    }

    /** The recording files of session {@code id}, once every one of them has closed. */
    private List<JsonNode> closedFiles(String id) {
        return Await.value("the recording of " + id + " closed", Duration.ofSeconds(15), () -> {
            try {
                HttpResponse<String> r = get("/api/v1/sessions/" + id + "/recordings");
                if (r.statusCode() != 200) {
                    return List.<JsonNode>of();
                }
                return StreamSupport.stream(Json.MAPPER.readTree(r.body()).get("recordings").spliterator(), false)
                        .toList();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, files -> !files.isEmpty() && files.stream().allMatch(f -> !f.get("closed_at").isNull()));
    }

    private List<JsonNode> events(String id) throws Exception {
        HttpResponse<String> r = get("/api/v1/sessions/" + id + "/events");
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            events.add(Json.MAPPER.readTree(line));
        }
        return events;
    }

    @Test
    void aTerminalSessionPlaysBackAsTheClientShowedIt() throws Exception {
        List<String> before = sessionIds();
        Process ssh = new ProcessBuilder("ssh", "-F", t.alice.config().toString(), "-tt", "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream typed = ssh.getOutputStream()) {
            typed.write(("printf 'recorded: %s\\n' \"$((6 * 7))\"; printf '\\xc3\\xa9t\\xc3\\xa9\\n'; "
                    + "exit 3\n").getBytes(StandardCharsets.UTF_8));
            typed.flush();
            assertTrue(ssh.waitFor(30, TimeUnit.SECONDS), "the shell ended");
        }
        String shown = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, ssh.exitValue());
        assertTrue(shown.contains("recorded: 42"), shown);
        String id = Await.value("the session's login", Duration.ofSeconds(5), () -> {
            List<String> now = new ArrayList<>(sessionIds());
            now.removeAll(before);
            return now;
        }, now -> !now.isEmpty()).get(0);

        List<JsonNode> files = closedFiles(id);
        JsonNode terminal = files.stream().filter(f -> f.get("kind").asText().equals("terminal")).findFirst()
                .orElseThrow(() -> new AssertionError("no terminal recorded: " + files));
        HttpResponse<String> cast = get("/api/v1/sessions/" + id + "/recordings/" + terminal.get("channel").asLong());
        assertEquals(200, cast.statusCode(), cast.body());
        JsonNode header = Json.MAPPER.readTree(cast.body().lines().findFirst().orElseThrow());
        assertEquals(2, header.get("version").asInt());
        assertEquals(id, header.get("ferry").get("session").asText());
        assertEquals(Long.toString(plain.web.id()), header.get("ferry").get("vps_id").asText());
        assertEquals(BastionTestSupport.pub(t.aliceKey).fingerprint(), header.get("ferry").get("key").asText());
        assertTrue(header.get("ferry").get("client").asText().startsWith("127.0.0.1:"), header.toString());

        // what asciinema plays is what the client showed, byte for byte (é included)
        Path file = Files.writeString(dir.resolve(id + ".cast"), cast.body());
        // asciinema reads /dev/tty: a pty of script's, which passes its output on as it came (no \n to \r\n)
        Processes.Result played = Processes.run(List.of("script", "-qec", "stty -onlcr; asciinema cat " + file,
                "/dev/null"), new byte[0], 30);
        assertEquals(0, played.exit(), played + "\n" + cast.body());
        assertEquals(shown, played.out());

        List<JsonNode> events = events(id);
        assertEquals("session", events.get(0).get("event").asText());
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("shell")
                && e.get("pty").asText().contains("x")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("exit")
                && e.get("status").asInt() == 3), events.toString());

        JsonNode verified = Json.MAPPER.readTree(get("/api/v1/sessions/" + id + "/verify").body());
        for (JsonNode f : verified.get("files")) {
            assertEquals("ok", f.get("status").asText(), verified.toString());
        }
    }

    @Test
    void commandsAndForwardsAreRecordedWithoutTheirOutput() throws Exception {
        List<String> before = sessionIds();
        int local = FreePorts.any();
        Process ssh = new ProcessBuilder("ssh", "-F", t.alice.config().toString(), "-L", local + ":127.0.0.1:"
                + plain.http.port(), "-p", Integer.toString(t.port), "vps-web@127.0.0.1",
                "echo not-recorded-output; sleep 3; exit 5").start();
        // HTTP/1.0 on a socket of its own, closed after the answer: the client's forward then ends before it does
        String page = Await.value("the page through the forward", Duration.ofSeconds(20), () -> {
            try (Socket socket = new Socket("127.0.0.1", local)) {
                socket.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException notYet) {
                return null;
            }
        }, body -> body != null && !body.isEmpty());
        assertTrue(page.endsWith("hello from inside the VPS"), page);
        assertTrue(ssh.waitFor(20, TimeUnit.SECONDS));
        assertEquals(5, ssh.exitValue());
        String id = Await.value("the session's login", Duration.ofSeconds(5), () -> {
            List<String> now = new ArrayList<>(sessionIds());
            now.removeAll(before);
            return now;
        }, now -> !now.isEmpty()).get(0);
        List<JsonNode> files = closedFiles(id);
        assertEquals(1, files.size(), "the events only, no terminal: " + files);
        List<JsonNode> events = events(id);
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("exec")
                && e.get("command").asText().equals("echo not-recorded-output; sleep 3; exit 5")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("exit")
                && e.get("status").asInt() == 5), events.toString());
        assertTrue(events.stream().noneMatch(e -> e.toString().contains("not-recorded-output\\n")),
                events.toString());
        JsonNode forward = events.stream().filter(e -> e.get("event").asText().equals("close")
                && e.get("kind").asText().equals("forward")).findFirst().orElseThrow(() -> new AssertionError(
                "no forward recorded: " + events));
        assertTrue(forward.get("bytes_from_vps").asLong() > "hello from inside the VPS".length(), forward.toString());
        assertTrue(events.stream().anyMatch(e -> e.get("event").asText().equals("open")
                && e.get("target").asText().equals("127.0.0.1:" + plain.http.port())), events.toString());
    }

    /** The id of the one session {@code run} logged in. */
    private String sessionOf(Runnable run) {
        List<String> before = sessionIds();
        run.run();
        return Await.value("the session's login", Duration.ofSeconds(5), () -> {
            List<String> now = new ArrayList<>(sessionIds());
            now.removeAll(before);
            return now;
        }, now -> now.size() == 1).get(0);
    }

    /** The file operations a session's events name, as {@code op path [to] [error]} lines (sftp and scp). */
    private List<JsonNode> fileEvents(String id) throws Exception {
        closedFiles(id);
        return events(id).stream().filter(e -> e.get("event").asText().equals("sftp")
                || e.get("event").asText().equals("scp")).toList();
    }

    private static boolean has(List<JsonNode> events, String op, String path, String field, long value) {
        return events.stream().anyMatch(e -> e.get("op").asText().equals(op) && e.path("path").asText().equals(path)
                && (field == null || e.path(field).asLong() == value));
    }

    @Test
    void transfersAreRecordedWithTheirFileNames() throws Exception {
        Path remote = Files.createDirectories(dir.resolve("remote"));
        Path local = Files.write(dir.resolve("local.bin"), new byte[100_000]);
        String a = remote.resolve("a.bin").toString();
        Path batch = Files.writeString(dir.resolve("batch"), String.join("\n", "put " + local + " " + a,
                "get " + a + " " + dir.resolve("back.bin"), "chmod 600 " + a, "rename " + a + " " + remote
                        .resolve("b.bin"), "mkdir " + remote.resolve("d"), "rmdir " + remote.resolve("d"),
                "rm " + remote.resolve("b.bin"), "-rm " + remote.resolve("nothing-here")) + "\n");
        String sftp = sessionOf(() -> t.alice.tool("sftp", null, "-b", batch.toString(), "-P",
                Integer.toString(t.port), "vps-web@127.0.0.1").requireSuccess());
        List<JsonNode> ops = fileEvents(sftp);
        assertTrue(has(ops, "open", a, null, 0) && ops.stream().anyMatch(e -> e.path("mode").asText()
                .equals("write")), ops.toString());
        assertTrue(has(ops, "close", a, "bytes_written", 100_000), ops.toString());
        assertTrue(has(ops, "close", a, "bytes_read", 100_000), ops.toString());
        assertTrue(has(ops, "setstat", a, null, 0), ops.toString());
        assertTrue(ops.stream().anyMatch(e -> e.get("op").asText().equals("rename") && e.get("path").asText()
                .equals(a) && e.get("to").asText().equals(remote.resolve("b.bin").toString())), ops.toString());
        assertTrue(has(ops, "mkdir", remote.resolve("d").toString(), null, 0), ops.toString());
        assertTrue(has(ops, "rmdir", remote.resolve("d").toString(), null, 0), ops.toString());
        assertTrue(has(ops, "remove", remote.resolve("b.bin").toString(), null, 0), ops.toString());
        assertTrue(ops.stream().anyMatch(e -> e.get("op").asText().equals("remove") && e.get("path").asText()
                .endsWith("nothing-here") && e.has("error")), "a refused remove says why: " + ops);

        String c = remote.resolve("c.bin").toString();
        String upload = sessionOf(() -> t.alice.tool("scp", null, "-O", "-P", Integer.toString(t.port),
                local.toString(), "vps-web@127.0.0.1:" + c).requireSuccess());
        List<JsonNode> up = fileEvents(upload);
        assertTrue(up.stream().anyMatch(e -> e.get("op").asText().equals("file") && e.get("path").asText()
                .equals("local.bin") && e.get("bytes").asLong() == 100_000 && e.get("direction").asText()
                .equals("to the VPS")), up.toString());
        String download = sessionOf(() -> t.alice.tool("scp", null, "-O", "-P", Integer.toString(t.port),
                "vps-web@127.0.0.1:" + c, dir.resolve("c-back.bin").toString()).requireSuccess());
        List<JsonNode> down = fileEvents(download);
        assertTrue(down.stream().anyMatch(e -> e.get("path").asText().equals("c.bin")
                && e.get("bytes").asLong() == 100_000 && e.get("direction").asText().equals("from the VPS")),
                down.toString());

        String rsync = sessionOf(() -> Processes.run(List.of("rsync", "-a", "-e", "ssh -F " + t.alice.config()
                + " -p " + t.port, local.toString(), "vps-web@127.0.0.1:" + remote.resolve("r.bin")), new byte[0], 60)
                .requireSuccess());
        closedFiles(rsync);
        assertTrue(events(rsync).stream().anyMatch(e -> e.get("event").asText().equals("exec")
                && e.get("command").asText().startsWith("rsync --server")
                && e.get("command").asText().endsWith(remote.resolve("r.bin").toString())), events(rsync).toString());
    }

    @Test
    void filesWrittenThroughSshfsAreNamed() throws Exception {
        // sshfs needs the kernel's FUSE device: a machine without it skips this (and says so in the test report)
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse on this machine");
        Path remote = Files.createDirectories(dir.resolve("sshfs-remote"));
        Path mnt = Files.createDirectories(dir.resolve("sshfs-mnt"));
        String id = sessionOf(() -> {
            Processes.run(List.of("sshfs", "-p", Integer.toString(t.port), "-o", "ssh_command=ssh -F "
                    + t.alice.config(), "vps-web@127.0.0.1:" + remote, mnt.toString()), new byte[0], 30)
                    .requireSuccess();
            try {
                Files.writeString(mnt.resolve("via-sshfs.txt"), "written through sshfs\n");
                assertEquals("written through sshfs\n", Files.readString(remote.resolve("via-sshfs.txt")));
            } catch (IOException e) {
                throw new AssertionError(e);
            } finally {
                Processes.run(List.of("fusermount", "-u", mnt.toString()), new byte[0], 30).requireSuccess();
            }
        });
        List<JsonNode> ops = fileEvents(id);
        String file = remote.resolve("via-sshfs.txt").toString();
        assertTrue(ops.stream().anyMatch(e -> e.get("op").asText().equals("open") && e.get("path").asText()
                .equals(file) && e.get("mode").asText().contains("write")), ops.toString());
        assertTrue(has(ops, "close", file, "bytes_written", 22), ops.toString());
    }
}

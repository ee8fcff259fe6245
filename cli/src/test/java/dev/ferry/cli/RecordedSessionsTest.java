package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry sessions play|export|verify}: a plain-mode terminal session, replayed and checked afterwards. */
class RecordedSessionsTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private ClientSshTestSupport t;

    @BeforeEach
    void start() throws Exception {
        t = opened.add(new ClientSshTestSupport(home));
    }

    /** The id of the session whose terminal was recorded: its recording's directory, by day and session. */
    private String recordedSession() {
        return Await.value("a terminal recorded", Duration.ofSeconds(15), () -> {
            Path root = t.host.dataDir().resolve("recordings");
            try (var files = Files.exists(root) ? Files.walk(root) : java.util.stream.Stream.<Path>empty()) {
                return files.filter(p -> p.toString().endsWith(".cast.gz")).findFirst()
                        .map(p -> p.getParent().getFileName().toString()).orElse(null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, id -> id != null);
    }

    @Test
    void aTerminalSessionIsPlayedExportedAndVerified() throws Exception {
        t.createRunning("web");
        CliTestSupport.Result r = t.ferry("vps", "connect", "web", "--plain", "--", "-tt",
                "printf 'recorded-%s\\n' $((6 * 7)); exit 4");
        assertEquals(4, r.code(), r + "\nssh: " + t.connectLog());
        String id = recordedSession();

        CliTestSupport.Result verified = Await.value("the recording closed", Duration.ofSeconds(15),
                () -> t.ferry("sessions", "verify", id), v -> !v.out().contains("not closed"));
        assertEquals(0, verified.code(), verified.toString());
        assertTrue(verified.out().lines().allMatch(l -> l.startsWith("ok ")), verified.out());
        assertEquals(2, verified.out().lines().count(), "the events and one terminal: " + verified.out());

        CliTestSupport.Result played = t.ferry("sessions", "play", id, "--speed", "1000");
        assertEquals(0, played.code(), played.toString());
        assertTrue(played.out().contains("recorded-42\r\n"), played.out());

        Path cast = home.resolve("web.cast");
        assertEquals(0, t.ferry("sessions", "export", id, "-o", cast.toString()).code());
        assertTrue(Files.readString(cast).startsWith("{\"version\":2,"), Files.readString(cast));
        String events = t.ferry("sessions", "export", id, "--events").out();
        assertTrue(events.contains("\"event\":\"exec\""), events);
        assertTrue(events.contains("\"command\":\"printf 'recorded-%s\\\\n' $((6 * 7)); exit 4\""), events);

        // a recording changed afterwards no longer verifies
        Path file = Files.walk(t.host.dataDir().resolve("recordings")).filter(p -> p.toString().endsWith(".cast.gz"))
                .findFirst().orElseThrow();
        Files.write(file, new byte[] {0x1f, (byte) 0x8b}, java.nio.file.StandardOpenOption.APPEND);
        CliTestSupport.Result changed = t.ferry("sessions", "verify", id);
        assertEquals(ExitCodes.FAILURE, changed.code(), changed.toString());
        assertTrue(changed.out().contains("MODIFIED  "), changed.out());

        CliTestSupport.Result none = t.ferry("sessions", "play", "s999999");
        assertEquals(ExitCodes.NOT_FOUND, none.code());
        assertTrue(none.err().contains("session s999999 has no recording"), none.err());
        // a refused export leaves no file behind, whole or partial
        Path nowhere = home.resolve("none.jsonl");
        CliTestSupport.Result noEvents = t.ferry("sessions", "export", "s999999", "--events", "-o", nowhere.toString());
        assertEquals(ExitCodes.NOT_FOUND, noEvents.code(), noEvents.toString());
        assertTrue(noEvents.err().contains("session s999999 has no recording"), noEvents.err());
        assertFalse(Files.exists(nowhere) || Files.exists(home.resolve("none.jsonl.part")), "no file written");
    }

    @Test
    void watchShowsALiveTerminalUntilItEnds() throws Exception {
        String vps = t.createRunning("web");
        Process ssh = new ProcessBuilder("ssh", "-F", t.userSshConfig.toString(), "-i", home.resolve(".ferry/keys/vps-"
                + vps).toString(), "-tt", "-p", Integer.toString(t.sshPort), "vps-web@127.0.0.1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String id = Await.value("the session listed", Duration.ofSeconds(20), () -> {
                String list = t.ferry("sessions", "list").out();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(s\\d+) +vps-web .* shell ").matcher(list);
                return m.find() ? m.group(1) : null;
            }, found -> found != null);
            java.util.concurrent.CompletableFuture<CliTestSupport.Result> watched = java.util.concurrent
                    .CompletableFuture.supplyAsync(() -> t.ferry("sessions", "watch", id));
            var typed = ssh.getOutputStream();
            // until the watch has begun (its Host counts the session as watched from its next second)
            for (int i = 0; i < 10; i++) {
                typed.write(("echo cli-watched-$((6 * 7))-" + i + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                typed.flush();
                Thread.sleep(500);
            }
            typed.write("exit\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            typed.flush();
            CliTestSupport.Result r = watched.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("cli-watched-42-9"), r.out());
            assertTrue(r.err().startsWith("watching " + id + " (vps-web from 127.0.0.1:"), r.err());
            assertTrue(r.err().strip().endsWith("session " + id + " ended"), r.err());
        } finally {
            ssh.destroyForcibly();
        }
    }
}

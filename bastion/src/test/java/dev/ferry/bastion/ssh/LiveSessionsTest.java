package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.bastion.HostApi;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.testing.Await;
import dev.ferry.testing.FreePorts;
import dev.ferry.testing.Opened;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who is connected now (issue 20, live sessions): the control API lists every logged-in connection with its user
 * name, key, client, VPS, mode and open channels as the stock OpenSSH client makes them (a terminal, a command, a
 * forward inside the VPS, a ProxyJump forward), and ends one with a sentence its client prints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveSessionsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private PlainModeTestSupport plain;
    private BastionTestSupport t;
    private HostApi hostApi;
    private final HttpClient http = HttpClient.newHttpClient();

    private record Reply(int status, JsonNode body) {
    }

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        plain = PlainModeTestSupport.start(dir, opened);
        t = plain.t;
        hostApi = new HostApi(t.host);
    }

    private Reply api(String method, String path, String body) throws Exception {
        HttpResponse<String> r = hostApi.send(method, path, body);
        return new Reply(r.statusCode(), Json.MAPPER.readTree(r.body()));
    }

    private List<JsonNode> sessions(String path) throws Exception {
        Reply r = api("GET", path, null);
        assertEquals(200, r.status(), r.body().toString());
        return StreamSupport.stream(r.body().get("sessions").spliterator(), false).toList();
    }

    /** The session, once it is listed as {@code which} says. */
    private JsonNode listed(Predicate<JsonNode> which, String what) {
        return Await.value(what, Duration.ofSeconds(20), () -> {
            try {
                return sessions("/api/v1/sessions").stream().filter(which).findFirst();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, Optional::isPresent).orElseThrow();
    }

    private static Predicate<JsonNode> withChannel(String kind, String detail) {
        return s -> StreamSupport.stream(s.get("channels").spliterator(), false)
                .anyMatch(c -> c.get("kind").asText().equals(kind) && c.get("detail").asText().contains(detail));
    }

    /** {@code ssh -F alice's config args...}, left running. */
    private Background ssh(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", t.alice.config().toString(), "-p",
                Integer.toString(t.port)));
        command.addAll(List.of(args));
        Background b = Background.start(command);
        t.closeLater(b);
        return b;
    }

    @Test
    void aSessionIsListedWithItsKeyClientVpsChannelsAndBytes() throws Exception {
        int local = FreePorts.any();
        Background terminal = ssh("-tt", "vps-web@127.0.0.1");
        Background command = ssh("-L", local + ":127.0.0.1:" + plain.http.port(), "vps-web@127.0.0.1",
                "sleep 120");
        JsonNode shell = listed(withChannel("shell", "pty "), "a terminal session listed with its pty");
        JsonNode exec = listed(withChannel("exec", "sleep 120"), "a command's session listed with its command");
        assertTrue(terminal.alive() && command.alive());

        String alice = BastionTestSupport.pub(t.aliceKey).fingerprint();
        for (JsonNode s : List.of(shell, exec)) {
            assertTrue(s.get("id").asText().matches("s\\d+"), s.toString());
            assertEquals("vps-web", s.get("user").asText());
            assertEquals(alice, s.get("key").asText());
            assertTrue(s.get("client").asText().startsWith("127.0.0.1:"), s.toString());
            assertEquals(Long.toString(plain.web.id()), s.get("vps_id").asText());
            assertEquals("vps-web", s.get("vps").asText());
            assertEquals("root", s.get("login").asText());
            assertEquals("plain", s.get("mode").asText());
            assertFalse(s.get("host").asText().isBlank(), s.toString());
        }
        assertFalse(shell.get("id").equals(exec.get("id")), "one id per connection");

        // a forward inside the VPS carries the page; its bytes stay in the session's figures after it closes
        String page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertEquals("hello from inside the VPS", page);
        String id = exec.get("id").asText();
        JsonNode after = Await.value("the forward's bytes counted in the session", Duration.ofSeconds(10), () -> {
            try {
                return api("GET", "/api/v1/sessions/" + id, null).body();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, s -> s.get("bytes_from_vps").asLong() > page.length());
        assertTrue(after.get("bytes_to_vps").asLong() > 0, after.toString());

        assertEquals(2, sessions("/api/v1/vps/web/sessions").stream()
                .filter(s -> s.get("user").asText().equals("vps-web")).count());
        Vps other = t.host.registry().create(new NewVps("other", Endpoint.parse("127.0.0.1:1"),
                List.of(BastionTestSupport.pub(t.bobKey))));
        assertEquals(List.of(), sessions("/api/v1/vps/" + other.id() + "/sessions"));
        Reply unknown = api("GET", "/api/v1/sessions/s999999999", null);
        assertEquals(404, unknown.status());
        assertTrue(unknown.body().get("error").asText().contains("no live session s999999999"), unknown.body()
                .toString());
    }

    @Test
    void aProxyJumpForwardIsListedWithItsVps() throws Exception {
        // the hop alone, as ProxyJump runs it: its channel to the VPS's sshd stays open while the sshd waits for us
        Background hop = ssh("-W", "vps-web:22", "vps-web@127.0.0.1");
        JsonNode s = listed(withChannel("jump", ""), "a session with a ProxyJump forward");
        assertEquals("jump", s.get("mode").asText());
        JsonNode channel = s.get("channels").get(0);
        assertEquals(Long.toString(plain.web.id()), channel.get("vps_id").asText());
        assertTrue(hop.alive());
        assertEquals(1, sessions("/api/v1/vps/" + plain.web.id() + "/sessions").stream()
                .filter(x -> x.get("id").equals(s.get("id"))).count());
    }

    @Test
    void aKilledSessionEndsWithTheSentenceItsClientPrints() throws Exception {
        Background victim = ssh("vps-web@127.0.0.1", "sleep 121");
        String id = listed(withChannel("exec", "sleep 121"), "the session to end").get("id").asText();

        assertEquals(400, api("POST", "/api/v1/sessions/" + id + "/kill", "{\"reason\": \"two\\nlines\"}").status());
        Reply killed = api("POST", "/api/v1/sessions/" + id + "/kill", "{\"reason\": \"maintenance at noon\"}");
        assertEquals(200, killed.status(), killed.body().toString());
        assertTrue(killed.body().get("ended").asBoolean());
        victim.awaitStderr(Pattern.compile("ferry: an administrator ended this session: maintenance at noon"), 10);
        Await.until("the client exits", Duration.ofSeconds(10), () -> !victim.alive());
        t.audit.await("session_killed", e -> e.get("session").asText().equals(id)
                && e.get("reason").asText().equals("maintenance at noon"), 10);

        assertEquals(404, api("POST", "/api/v1/sessions/" + id + "/kill", null).status(), "ended: nothing to kill");
        assertTrue(sessions("/api/v1/sessions").stream().noneMatch(s -> s.get("id").asText().equals(id)));
    }

    @Test
    void aWatcherSeesWhatATerminalShowsWithinASecond() throws Exception {
        List<String> before = sessions("/api/v1/sessions").stream().map(s -> s.get("id").asText()).toList();
        Process ssh = new ProcessBuilder("ssh", "-F", t.alice.config().toString(), "-tt", "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        t.closeLater(ssh::destroyForcibly);
        String id = listed(s -> !before.contains(s.get("id").asText()) && withChannel("shell", "pty ").test(s),
                "the watched session").get("id").asText();
        StringBuffer seen = new StringBuffer();
        java.util.concurrent.ConcurrentHashMap<String, Long> at = new java.util.concurrent.ConcurrentHashMap<>();
        Thread watcher = new Thread(() -> {
            long after = 0;
            try {
                while (true) {
                    Reply r = api("GET", "/api/v1/sessions/" + id + "/watch/" + after, null);
                    if (r.status() != 200) {
                        return;
                    }
                    seen.append(r.body().get("lines").asText());
                    for (String word : List.of("ping", "watched-42")) {
                        if (seen.indexOf(word) >= 0) {
                            at.putIfAbsent(word, System.nanoTime());
                        }
                    }
                    after = r.body().get("next").asLong();
                    if (!r.body().get("live").asBoolean()) {
                        return;
                    }
                }
            } catch (Exception e) {
                // the test's end
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        var typed = ssh.getOutputStream();
        // the session counts as watched from its Host's next second: type until the watcher sees something
        Await.until("the watcher sees the terminal", Duration.ofSeconds(20), () -> {
            try {
                typed.write("echo ping\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                typed.flush();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            Await.sleep(300);
            return at.containsKey("ping");
        });
        long sent = System.nanoTime();
        typed.write("echo watched-$((6 * 7))\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        typed.flush();
        Await.until("the watcher sees what was typed", Duration.ofSeconds(10), () -> at.containsKey("watched-42"));
        long millis = (at.get("watched-42") - sent) / 1_000_000;
        System.out.printf("watch: typed output seen by the watcher after %d ms%n", millis);
        assertTrue(millis < 1000, "seen within a second: " + millis + " ms");

        typed.write("exit\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        typed.flush();
        watcher.join(10_000);
        assertFalse(watcher.isAlive(), "the watch ends with the session");
    }
}

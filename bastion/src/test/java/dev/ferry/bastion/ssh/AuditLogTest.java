package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit events of {@code logs/audit.jsonl}, as the real OpenSSH client and HTTP client cause them: each line
 * one JSON object, with the fields the README lists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditLogTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        t = opened.add(BastionTestSupport.start(dir));
        t.startWebVps();
    }

    /** The first event matching, waiting a moment for a close to be written. */
    private JsonNode await(String name, Predicate<JsonNode> which) {
        return t.audit.await(name, which, 5);
    }

    @Test
    void aJumpIsALoginAForwardWithItsBytesAndAClose() throws Exception {
        String user = SshClientFixture.user();
        Processes.Result r = t.alice.ssh("-J", "vps-web@" + t.bastion, user + "@vps-web", "echo audited");
        assertEquals("audited", r.requireSuccess().out().strip());
        JsonNode login = await("login", e -> e.path("user").asText().equals("vps-web"));
        assertTrue(login.path("client").asText().startsWith("127.0.0.1:"), login.toString());
        assertTrue(login.path("key").asText().startsWith("SHA256:"), login.toString());
        assertTrue(login.path("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), login.toString());
        String session = login.path("session").asText();
        JsonNode forward = await("forward", e -> e.path("session").asText().equals(session));
        assertEquals("vps-web:22", forward.path("target").asText(), forward.toString());
        assertTrue(forward.path("bytes_to_vps").asLong() > 0 && forward.path("bytes_from_vps").asLong() > 0,
                forward.toString());
        assertTrue(forward.path("ms").isNumber(), forward.toString());
        await("session_closed", e -> e.path("session").asText().equals(session) && e.path("seconds").isNumber());
    }

    @Test
    void plainModeChannelsAreBridgesWithTheirBytes() throws Exception {
        t.sshTo(t.alice, "vps-web+" + SshClientFixture.user(), "echo plain").requireSuccess();
        JsonNode bridge = await("bridge", e -> e.path("user").asText().startsWith("vps-web+"));
        assertTrue(bridge.path("bytes_from_vps").asLong() > 0, bridge.toString());
        assertTrue(bridge.path("channel").asText().contains("session"), bridge.toString());
    }

    @Test
    void refusalsAndFailedLoginsAreEvents() throws Exception {
        SshClientFixture mallory = t.client("mallory-audit", List.of(t.malloryKey), null);
        Processes.Result denied = t.sshTo(mallory, "vps-web", "true");
        assertTrue(denied.exit() != 0, denied.toString());
        JsonNode none = await("no_login", e -> e.path("user").asText().equals("vps-web"));
        assertEquals(1, none.path("keys_refused").asInt(), none.toString());
        Processes.Result refused = t.alice.ssh("-W", "example.com:22", "-p", Integer.toString(t.port),
                "jump@127.0.0.1");
        assertTrue(refused.exit() != 0, refused.toString());
        JsonNode channel = await("channel_refused", e -> e.path("user").asText().equals("jump"));
        assertTrue(channel.path("reason").asText().contains("is not a VPS"), channel.toString());
    }

    @Test
    void aChangeThroughTheApiNamesWhoMadeIt() throws Exception {
        String token = Files.readString(dir.resolve("host/admin.token")).strip();
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                t.host.apiUrl() + "/api/v1/vps")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"endpoint\": \"10.0.0.5:22\", \"name\": \"audited\", "
                        + "\"keys\": [\"" + BastionTestSupport.pub(t.aliceKey).toOpenSsh() + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());
        JsonNode change = await("api_change", e -> e.path("path").asText().equals("/api/v1/vps"));
        assertEquals("POST", change.path("method").asText());
        assertEquals(201, change.path("status").asInt());
        assertEquals("admin", change.path("who").asText());
        assertEquals("127.0.0.1", change.path("client").asText());
    }
}

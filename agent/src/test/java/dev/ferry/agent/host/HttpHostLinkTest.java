package dev.ferry.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.EnrollAnswer;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterAnswer;
import dev.ferry.protocol.RegisterRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP client against a real (JDK) HTTP server speaking the protocol's JSON. */
class HttpHostLinkTest {
    private HttpServer server;
    private final Map<String, String> requests = new ConcurrentHashMap<>();
    private final Map<String, String> auth = new ConcurrentHashMap<>();
    private volatile int status = 200;
    private volatile String answer = "{}";

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.put(ex.getRequestURI().getPath(), new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        auth.put(ex.getRequestURI().getPath(), String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private HttpHostLink link(String prefix) {
        return new HttpHostLink(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + prefix),
                Duration.ofSeconds(2));
    }

    @Test
    void registerSendsSnakeCaseAndBearerToken() throws Exception {
        answer = "{\"heartbeat_seconds\": 5, \"registry_id\": \"0c6a0b1e-5a3f-4b7e-9d2a-3f1e2d4c5b6a\", "
                + "\"something_new\": [1]}";
        RegisterAnswer a = link("").register("tok-123", new RegisterRequest("r1", "127.0.0.1", 2, 1024L,
                DockerStatus.up("20.10.24")));
        assertEquals(5, a.heartbeatSeconds());
        assertEquals("0c6a0b1e-5a3f-4b7e-9d2a-3f1e2d4c5b6a", a.registryId());
        JsonNode sent = HttpHostLink.json().readTree(requests.get("/api/v1/runners/register"));
        assertEquals("r1", sent.get("name").asText());
        assertEquals("127.0.0.1", sent.get("address").asText());
        assertEquals(1024L, sent.get("memory_bytes").asLong());
        assertTrue(sent.get("docker").get("ok").asBoolean());
        assertTrue(sent.get("docker").get("error").isNull());
        assertEquals("Bearer tok-123", auth.get("/api/v1/runners/register"));
    }

    @Test
    void heartbeatRoundTripIgnoresUnknownFields() throws Exception {
        answer = """
                {"vps": [{"vps_id": "7530000000000000001", "name": null, "image": "ferry-test/sshd:1",
                  "cpus": 1.5, "memory_bytes": 4294967296, "state": "paused", "authorized_keys": ["ssh-ed25519 AAAA x"],
                  "future_field": {"a": 1}},
                  {"vps_id": "2", "image": "i", "state": "hibernating"}],
                 "next_version": true}""";
        HeartbeatAnswer a = link("/prefix/").heartbeat("tok-123", "r1", new HeartbeatRequest(DockerStatus.up("20.10.24"),
                List.of(new ContainerReport("7530000000000000001", "abc", ContainerState.RUNNING, 32768, true, null,
                        "2026-11-23T12:00:00Z", null))));
        DesiredVps d = a.vps().get(0);
        assertEquals("7530000000000000001", d.vpsId());
        assertEquals(1.5, d.cpus());
        assertEquals(4294967296L, d.memoryBytes());
        assertEquals(DesiredState.PAUSED, d.state());
        assertEquals(List.of("ssh-ed25519 AAAA x"), d.authorizedKeys());
        assertEquals(DesiredState.UNKNOWN, a.vps().get(1).state());
        assertEquals(List.of(), a.vps().get(1).authorizedKeys());

        JsonNode sent = HttpHostLink.json().readTree(requests.get("/prefix/api/v1/runners/r1/heartbeat"));
        JsonNode c = sent.get("containers").get(0);
        assertEquals("7530000000000000001", c.get("vps_id").asText());
        assertEquals("abc", c.get("container_id").asText());
        assertEquals("running", c.get("state").asText());
        assertEquals(32768, c.get("ssh_port").asInt());
        assertTrue(c.get("ssh_ready").asBoolean());
        assertTrue(c.get("error").isNull());
        assertEquals("2026-11-23T12:00:00Z", c.get("started_at").asText());
    }

    @Test
    void notFoundMeansRegisterAgain() {
        status = 404;
        answer = "{\"error\": \"unknown runner r1\"}";
        HostException e = assertThrows(HostException.class, () -> link("").heartbeat("tok-123", "r1",
                new HeartbeatRequest(DockerStatus.up("x"), List.of())));
        assertInstanceOf(NotRegisteredException.class, e);
        assertTrue(e.getMessage().contains("unknown runner r1"), e.getMessage());
    }

    @Test
    void conflictMeansAnotherProcessTookTheName() throws Exception {
        status = 409;
        answer = "{\"error\": \"runner 'r1' has been registered by another process since this one registered\"}";
        HostException e = assertThrows(HostException.class, () -> link("").heartbeat("tok-123", "r1",
                new HeartbeatRequest(DockerStatus.up("x"), List.of(), "s-1")));
        assertInstanceOf(SupersededException.class, e);
        assertTrue(e.getMessage().contains("registered by another process"), e.getMessage());
        assertEquals("s-1", HttpHostLink.json().readTree(requests.get("/api/v1/runners/r1/heartbeat"))
                .get("session").asText(), "the heartbeat names its registration");
    }

    @Test
    void aRefusedCredentialStopsTheRunnerWithTheHostsSentence() {
        status = 401;
        answer = "{\"error\": \"missing or unknown runner credential\"}";
        HostException e = assertThrows(HostException.class, () -> link("").register("tok-123",
                new RegisterRequest("r1", "127.0.0.1", 1, 1L, DockerStatus.up("x"))));
        assertInstanceOf(UnknownCredentialException.class, e);
        assertTrue(e.getMessage().endsWith("refused the registration of runner r1 (HTTP 401): missing or unknown "
                + "runner credential"), e.getMessage());
        assertFalse(e.getMessage().contains("tok-123"), e.getMessage());
    }

    @Test
    void enrollmentSendsTheJoinTokenAndATakenNameIsRefusedForGood() throws Exception {
        answer = "{\"name\": \"r1\"}";
        String digest = Credentials.digest("ferry-runner.abc");
        EnrollAnswer a = link("").enroll("join-1", new EnrollRequest("r1", "10.0.0.7", 32768, 60999, digest));
        assertEquals("r1", a.name());
        assertEquals("Bearer join-1", auth.get("/api/v1/runners/enroll"));
        JsonNode sent = HttpHostLink.json().readTree(requests.get("/api/v1/runners/enroll"));
        assertEquals(32768, sent.get("port_min").asInt());
        assertEquals(60999, sent.get("port_max").asInt());
        assertEquals(digest, sent.get("credential_sha256").asText(), "only the digest goes to the Host");

        status = 409;
        answer = "{\"error\": \"runner 'r1' is enrolled already, with another credential\"}";
        HostException e = assertThrows(HostException.class, () -> link("").enroll("join-1",
                new EnrollRequest("r1", "10.0.0.7", 32768, 60999, digest)));
        assertInstanceOf(RefusedException.class, e);
        assertTrue(e.getMessage().endsWith("refused to enroll runner r1: runner 'r1' is enrolled already, with another "
                + "credential"), e.getMessage());
    }

    @Test
    void serverErrorCarriesTheHostsSentence() {
        status = 500;
        answer = "{\"error\": \"registry is read-only\"}";
        HostException e = assertThrows(HostException.class, () -> link("").register("tok-123",
                new RegisterRequest("r1", "127.0.0.1", 1, 1L, DockerStatus.up("x"))));
        assertTrue(e.getMessage().contains("HTTP 500: registry is read-only"), e.getMessage());
    }

    @Test
    void unreachableHostIsNamed() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpHostLink link = new HttpHostLink(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(1));
        HostException e = assertThrows(HostException.class, () -> link.register("tok-123",
                new RegisterRequest("r1", "127.0.0.1", 1, 1L, DockerStatus.up("x"))));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port) && e.getMessage().contains("not reachable"),
                e.getMessage());
        assertFalse(link.toString().contains("tok-123"));
    }
}

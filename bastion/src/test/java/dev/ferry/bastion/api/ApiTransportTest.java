package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import java.io.IOException;
import dev.ferry.bastion.LogTail;
import dev.ferry.bastion.host.HostLogging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the API's transport refuses, seen on raw connections: always JSON with a sentence, never a page. */
class ApiTransportTest {
    private static final Duration AT_ONCE = Duration.ofMillis(500);

    @TempDir
    Path dir;

    private ApiTestSupport api;
    private final List<RawHttp> connections = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (RawHttp c : connections) {
            c.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private RawHttp connect() throws Exception {
        RawHttp c = new RawHttp(api.apiAddress());
        connections.add(c);
        return c;
    }

    private String health() {
        return "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    }

    @Test
    void connectionsOverTheCapPerSourceAreClosedAtOnce() throws Exception {
        api = new ApiTestSupport(dir, ApiLimits.DEFAULTS.withConnections(100, 4));
        List<RawHttp> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            held.add(connect());
        }
        assertTrue(connect().closedBy(AT_ONCE), "a fifth connection from one address stayed open");
        assertFalse(held.get(0).closedBy(AT_ONCE), "a connection within the cap was closed");

        held.get(0).close();
        Thread.sleep(200);
        String answer = connect().send(health()).readToClose(Duration.ofSeconds(5));
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    }

    @Test
    void aFloodOverTheCapIsLoggedOncePerSourceNotOncePerConnection() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        HostLogging.init(logs);
        api = new ApiTestSupport(dir.resolve("host"), ApiLimits.DEFAULTS.withConnections(100, 4));
        for (int i = 0; i < 4; i++) {
            connect();
        }
        LogTail log = LogTail.of(logs.resolve("ferry-host.log"));
        for (int i = 0; i < 50; i++) {
            assertTrue(connect().closedBy(AT_ONCE), "connection " + (i + 5) + " over the cap stayed open");
        }
        List<String> written = log.lines();
        assertTrue(written.stream().anyMatch(l -> l.contains("api connection from 127.0.0.1 refused")),
                "the refusals are logged: " + written);
        assertTrue(written.size() <= 5, "50 refusals within 10 s wrote " + written.size() + " lines, not a few: "
                + written);
    }

    @Test
    void connectionsOverTheCapInAllAreClosedAtOnce() throws Exception {
        api = new ApiTestSupport(dir, ApiLimits.DEFAULTS.withConnections(3, 100));
        for (int i = 0; i < 3; i++) {
            connect();
        }
        assertTrue(connect().closedBy(AT_ONCE), "a fourth connection in all stayed open");
    }

    @Test
    void headersOverTheLimitAreAnswered431WithASentence() throws Exception {
        api = new ApiTestSupport(dir);
        String big = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(16 * 1024) + "\r\n\r\n";
        RawHttp c = connect().send(big);
        String answer = c.readToClose(Duration.ofSeconds(5));
        assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
        assertError(c, "the request line and headers are larger than 8192 bytes");
    }

    @Test
    void aBodyOverTheLimitIsAnswered413WithASentence() throws Exception {
        api = new ApiTestSupport(dir);
        assertTooLarge(connect().send(post("Content-Length: " + (2 << 20)) + "{"));
    }

    @Test
    void aChunkedBodyOverTheLimitIsAnswered413() throws Exception {
        api = new ApiTestSupport(dir);
        RawHttp c = connect().send(post("Transfer-Encoding: chunked"));
        String chunk = Integer.toHexString(64 * 1024) + "\r\n" + "a".repeat(64 * 1024) + "\r\n";
        for (int i = 0; i < 17; i++) {
            try {
                c.send(chunk);
            } catch (IOException closedEarly) {
                break;
            }
        }
        assertTooLarge(c);
    }

    private String post(String framing) {
        return "POST /api/v1/vps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + api.token
                + "\r\nContent-Type: application/json\r\n" + framing + "\r\n\r\n";
    }

    private static void assertTooLarge(RawHttp c) throws Exception {
        String answer = c.readToClose(Duration.ofSeconds(5));
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertError(c, "the request body is larger than 1048576 bytes");
    }

    @Test
    void aMalformedRequestLineIsAnswered400WithASentence() throws Exception {
        api = new ApiTestSupport(dir);
        RawHttp c = connect().send("THIS IS NOT HTTP\r\n\r\n");
        String answer = c.readToClose(Duration.ofSeconds(5));
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("Content-Type: application/json"), answer);
        JsonNode body = Json.MAPPER.readTree(c.body());
        assertTrue(body.path("error").asText().startsWith("the request is not valid HTTP"), body.toString());
        assertFalse(c.body().contains("<html"), c.body());
    }

    private static void assertError(RawHttp c, String sentence) throws Exception {
        JsonNode body = Json.MAPPER.readTree(c.body());
        assertEquals(sentence, body.path("error").asText(), c.received());
    }
}

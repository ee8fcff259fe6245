package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.HostLogging;
import dev.ferry.testing.Opened;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests with wrong tokens (issue 18, 5): anyone who reaches the API's port can send them, so what they write to
 * the log and the audit is bounded and cut short, and a source that keeps sending wrong tokens is shut out for a
 * while, as failed SSH logins are. Each test sends from a loopback address of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTokenPenaltyTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private ApiTestSupport api;
    private Path logs;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        logs = Files.createDirectories(dir.resolve("logs"));
        HostLogging.init(logs);
        api = opened.add(new ApiTestSupport(dir.resolve("host"), ApiLimits.DEFAULTS));
    }

    /** The status line and body of one request from {@code source}, with this token. */
    private String request(String source, String method, String path, String token) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(source, 0));
            s.connect(api.apiAddress(), 5000);
            s.setSoTimeout(10_000);
            String body = "{}";
            s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: ferry\r\nAuthorization: Bearer "
                    + token + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    @Test
    void wrongTokensShutTheirSourceOutForAWhileAndTheRightOneClearsIt() throws Exception {
        String from = "127.0.0.7";
        for (int i = 0; i < TokenPenalties.FREE; i++) {
            assertEquals(401, status(request(from, "GET", "/api/v1/vps", "wrong")), "wrong token " + (i + 1));
        }
        assertEquals(200, status(request(from, "GET", "/api/v1/vps", api.token)), "mistypes: not yet");
        for (int i = 0; i <= TokenPenalties.FREE; i++) {
            request(from, "GET", "/api/v1/vps", "wrong");
        }
        String refused = request(from, "GET", "/api/v1/vps", api.token);
        assertEquals(429, status(refused), refused);
        assertTrue(refused.contains("6 wrong API tokens in a row came from 127.0.0.7: its requests are refused for 1 s "
                + "more; check the token the client sends"), refused);
        assertEquals(200, status(request("127.0.0.8", "GET", "/api/v1/vps", api.token)), "another source is not");
        Thread.sleep(1200); // the penalty of the sixth wrong token in a row
        assertEquals(200, status(request(from, "GET", "/api/v1/vps", api.token)), "served again once it passed");
        assertEquals(401, status(request(from, "GET", "/api/v1/vps", "wrong")), "and counted from zero again");
    }

    @Test
    void aFloodOfWrongTokensWritesABoundedLogAndAudit() throws Exception {
        String from = "127.0.0.9";
        String longPath = "/api/v1/vps/" + "x".repeat(7000) + "/stop";
        int refused = 0;
        for (int i = 0; i < 300; i++) {
            int s = status(request(from, "POST", longPath, "wrong-" + i));
            refused += s == 401 || s == 429 ? 1 : 0;
        }
        assertEquals(300, refused);
        List<String> lines = Files.readAllLines(logs.resolve("ferry-host.log")).stream()
                .filter(l -> l.contains(" from " + from)).toList();
        assertTrue(lines.size() <= 3, lines.size() + " log lines for 300 refused requests: " + lines);
        assertTrue(lines.stream().allMatch(l -> l.length() < 500), "a line cut short: " + lines);
        List<String> audit = Files.readAllLines(logs.resolve("audit.jsonl")).stream()
                .filter(l -> l.contains("\"client\":\"" + from + "\"") && l.contains("api_change")).toList();
        assertTrue(audit.size() <= 3, audit.size() + " audit events for 300 refused changes");
        assertTrue(audit.stream().allMatch(l -> l.length() < 500), "an event cut short: " + audit);
    }
}

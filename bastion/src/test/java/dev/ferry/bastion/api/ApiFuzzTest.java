package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.bastion.TestKeys;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control API under random and truncated JSON, wrong types, deep nesting and large bodies, on every route that
 * takes a body, with the right credentials (so the bodies reach the handlers): always a 4xx with a sentence, never
 * a 500, never a stack trace. The seed is fixed, so a failure repeats.
 */
class ApiFuzzTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    private static final String[] FIELDS = {"name", "image", "keys", "runner", "cpus", "memory_bytes", "endpoint",
        "host_key", "address", "port_min", "port_max", "credential_sha256", "docker", "containers", "session",
        "vps_id", "container_id", "state", "ssh_port", "ssh_ready", "error", "started_at", "ttl_seconds", "ok",
        "version"};

    @TempDir
    Path dir;

    private ApiTestSupport api;
    private String credential;
    private final Random random = new Random(20261126);

    @BeforeEach
    void start() throws Exception {
        api = opened.add(new ApiTestSupport(dir));
        credential = api.enroll("r1", "127.0.0.1");
        api.call("POST", "/api/v1/vps", "{\"name\": \"web\", \"endpoint\": \"127.0.0.1:2200\", \"keys\": [\""
                + TestKeys.ed25519("alice").toOpenSsh() + "\"]}");
    }

    private String value(int depth) {
        return switch (random.nextInt(depth > 3 ? 6 : 9)) {
            case 0 -> "null";
            case 1 -> Long.toString(random.nextLong());
            case 2 -> random.nextBoolean() ? "true" : "false";
            case 3 -> Double.toString(random.nextDouble() * 1e300 * (random.nextBoolean() ? 1 : -1));
            case 4 -> "\"" + text() + "\"";
            case 5 -> "\"" + "x".repeat(random.nextInt(3) == 0 ? 100_000 : 10) + "\"";
            case 6 -> "[" + value(depth + 1) + ", " + value(depth + 1) + "]";
            default -> object(depth + 1);
        };
    }

    private String text() {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(20); i > 0; i--) {
            int c = random.nextInt(0x2500);
            b.append(c == '"' || c == '\\' || c < 0x20 ? "\\u" + String.format("%04x", c) : String.valueOf((char) c));
        }
        return b.toString();
    }

    private String object(int depth) {
        List<String> members = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            members.add("\"" + FIELDS[random.nextInt(FIELDS.length)] + "\": " + value(depth));
        }
        return "{" + String.join(", ", members) + "}";
    }

    private String body() {
        String json = object(0);
        return switch (random.nextInt(6)) {
            case 0 -> json.substring(0, random.nextInt(json.length() + 1)); // truncated
            case 1 -> "[".repeat(5000) + "]".repeat(5000); // deep nesting
            case 2 -> value(0); // not an object
            default -> json;
        };
    }

    @Test
    void everyBodyGetsA4xxWithASentenceNeverA500() throws Exception {
        String[][] routes = {
            {"POST", "/api/v1/vps", "admin"},
            {"POST", "/api/v1/vps/web/keys", "admin"},
            {"PUT", "/api/v1/vps/web/host-key", "admin"},
            {"POST", "/api/v1/vps/web/stop", "admin"},
            {"POST", "/api/v1/nodes/tokens", "admin"},
            {"POST", "/api/v1/runners/enroll", "join"},
            {"POST", "/api/v1/runners/register", "runner"},
            {"POST", "/api/v1/runners/r1/heartbeat", "runner"},
        };
        List<String> bad = new ArrayList<>();
        for (String[] route : routes) {
            String token = switch (route[2]) {
                case "admin" -> api.token;
                case "join" -> api.runnerToken;
                default -> credential;
            };
            for (int i = 0; i < 150; i++) {
                String body = body();
                ApiTestSupport.Reply r;
                try {
                    r = api.call(route[0], route[1], body, token);
                } catch (Exception e) {
                    bad.add(route[1] + " " + shorten(body) + " -> no JSON answer: " + e);
                    continue;
                }
                String error = r.body().path("error").asText("");
                boolean fine = r.status() < 300 || (r.status() >= 400 && r.status() < 500 && error.length() > 10
                        && !error.contains("Exception") && !error.contains("\tat "));
                if (!fine) {
                    bad.add(route[1] + " " + shorten(body) + " -> " + r.status() + " " + r.body());
                }
            }
        }
        assertEquals(List.of(), bad, bad.size() + " answers were not a 4xx with a sentence");
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
    }
}

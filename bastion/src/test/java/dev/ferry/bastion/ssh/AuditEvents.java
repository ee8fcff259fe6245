package dev.ferry.bastion.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The events of a Host's {@code logs/audit.jsonl} as tests read them, each line parsed on its own: what tests
 * assert on when an event must happen a number of times, rather than counting sentences of the Host's log.
 */
final class AuditEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    /** The audit events of the Host whose data directory is {@code hostData}. */
    AuditEvents(Path hostData) {
        this.file = hostData.resolve("logs/audit.jsonl");
    }

    /** Every event written so far, in order. */
    List<JsonNode> all() {
        List<JsonNode> events = new ArrayList<>();
        try {
            if (!Files.exists(file)) {
                return events;
            }
            for (String line : Files.readAllLines(file)) {
                events.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }

    /** The events named {@code name} that {@code which} accepts, in order. */
    List<JsonNode> named(String name, Predicate<JsonNode> which) {
        return all().stream().filter(e -> e.path("event").asText().equals(name) && which.test(e)).toList();
    }

    /** The first event named {@code name} that {@code which} accepts, waiting up to {@code seconds} for it. */
    JsonNode await(String name, Predicate<JsonNode> which, int seconds) {
        return await(name, which, 1, seconds).get(0);
    }

    /** Those events once there are at least {@code atLeast}, waiting up to {@code seconds} for them. */
    List<JsonNode> await(String name, Predicate<JsonNode> which, int atLeast, int seconds) {
        return Await.value("at least " + atLeast + " '" + name + "' audit events", Duration.ofSeconds(seconds),
                () -> named(name, which), events -> events.size() >= atLeast);
    }

    /** The sessions that logged in so far, as their login events name them. */
    List<String> loggedIn() {
        return named("login", e -> true).stream().map(e -> e.path("session").asText()).toList();
    }

    /** The session of the first login that is not one of {@code earlier}, waiting up to {@code seconds} for it. */
    String awaitLogin(List<String> earlier, int seconds) {
        return await("login", e -> !earlier.contains(e.path("session").asText()), seconds).path("session").asText();
    }

    /** Whether the field {@code field} of {@code e} is the string {@code value}. */
    static boolean has(JsonNode e, String field, String value) {
        return e.path(field).asText().equals(value);
    }
}

package dev.ferry.cli.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.client.ApiClient;
import java.io.IOException;

/** Which terminal of a session's recording a command means: the one asked for, or the session's first. */
final class RecordedTerminal {
    private RecordedTerminal() {
    }

    /** One asciicast event, {@code [seconds, code, text]}; null for the header line or an empty one. */
    static JsonNode event(String line) {
        if (!line.startsWith("[")) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new FerryException(FerryException.Kind.INTERNAL, "a recording's line is not JSON: "
                    + e.getMessage());
        }
    }

    /** The asciicast of session {@code id}'s terminal on {@code channel} (null: its first), as text. */
    static String cast(ApiClient api, String id, Long channel) {
        return api.getText(castPath(api, id, channel));
    }

    /** Where the API serves the asciicast of session {@code id}'s terminal on {@code channel} (null: its first). */
    static String castPath(ApiClient api, String id, Long channel) {
        JsonNode files = api.get("/api/v1/sessions/" + id + "/recordings").get("recordings");
        Long chosen = channel;
        if (chosen == null) {
            for (JsonNode f : files) {
                if (f.get("kind").asText().equals("terminal")) {
                    chosen = f.get("channel").asLong();
                    break;
                }
            }
        }
        if (chosen == null) {
            throw FerryException.notFound("session " + id + " recorded no terminal (only commands, transfers or "
                    + "forwards): ferry sessions export " + id + " --events shows what it did");
        }
        return "/api/v1/sessions/" + id + "/recordings/" + chosen;
    }
}

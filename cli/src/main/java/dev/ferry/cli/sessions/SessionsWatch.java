package dev.ferry.cli.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry sessions watch ID}: a live session's terminal as it happens, read-only, from any Host. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Watch a live session's terminal as it happens (read-only, from any Host); Ctrl-C stops.")
public final class SessionsWatch extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The session's id (s1234).")
    String id;

    @Override
    protected void run(ApiClient api) {
        JsonNode session = api.get("/api/v1/sessions/" + segment(id));
        err().println("watching " + id + " (" + session.get("user").asText() + " from " + session.get("client")
                .asText() + ", on " + session.get("host").asText() + "): read-only; Ctrl-C stops");
        err().flush();
        long after = 0;
        while (true) {
            JsonNode batch;
            try {
                batch = api.get("/api/v1/sessions/" + segment(id) + "/watch/" + after);
            } catch (FerryException e) {
                if (e.kind() != FerryException.Kind.NOT_FOUND) {
                    throw e;
                }
                ended();
                return; // it was live a moment ago: it ended between two calls
            }
            for (String line : batch.get("lines").asText().split("\n")) {
                JsonNode event = RecordedTerminal.event(line);
                if (event == null) {
                    continue;
                }
                if (event.get(1).asText().equals("o")) {
                    out().print(event.get(2).asText());
                }
            }
            out().flush();
            after = batch.get("next").asLong();
            if (!batch.get("live").asBoolean()) {
                ended();
                return;
            }
        }
    }

    private void ended() {
        err().println();
        err().println("session " + id + " ended");
    }

}

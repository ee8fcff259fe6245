package dev.ferry.cli.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.KillRequest;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry sessions kill ID [--reason TEXT]}. */
@Command(name = "kill", mixinStandardHelpOptions = true,
        description = "End a live session on whichever Host holds it; the user's client prints why.")
public final class SessionsKill extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The session's id, as the list shows it (s1234).")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, in one line: the user's client prints it.")
    String reason;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/sessions/" + segment(id) + "/kill", new KillRequest(reason));
        if (json()) {
            printJson(node);
            return;
        }
        String host = node.get("host").asText();
        out().println(node.get("ended").asBoolean() ? "ended session " + id + " (on " + host + ")"
                : "asked " + host + " to end session " + id + "; it has not done so yet (ferry sessions show " + id
                + " tells whether it is still live)");
    }
}

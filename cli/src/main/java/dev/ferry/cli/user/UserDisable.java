package dev.ferry.cli.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry user disable NAME}: keys and tokens refused at once on every Host, sessions ended. */
@Command(name = "disable", mixinStandardHelpOptions = true,
        description = "Disable a person: their keys are refused at once on every Host and their sessions end.")
public final class UserDisable extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "The person's name.")
    String name;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/users/" + segment(name) + "/disable", null);
        if (json()) {
            printJson(node);
            return;
        }
        out().println("disabled " + node.get("name").asText() + ": their keys are refused and their sessions end");
    }
}

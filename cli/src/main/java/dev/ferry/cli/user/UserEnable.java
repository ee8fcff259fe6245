package dev.ferry.cli.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry user enable NAME}. */
@Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled person again.")
public final class UserEnable extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "The person's name.")
    String name;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/users/" + segment(name) + "/enable", null);
        if (json()) {
            printJson(node);
            return;
        }
        out().println("enabled " + node.get("name").asText());
    }
}

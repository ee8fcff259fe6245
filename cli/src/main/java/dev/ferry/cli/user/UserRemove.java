package dev.ferry.cli.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry user remove NAME}. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a person with their keys and grants; the VPS they own are kept, with no owner.")
public final class UserRemove extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "The person's name.")
    String name;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.delete("/api/v1/users/" + segment(name));
        if (json()) {
            printJson(node);
            return;
        }
        out().println("removed " + node.get("removed").get("name").asText());
    }
}

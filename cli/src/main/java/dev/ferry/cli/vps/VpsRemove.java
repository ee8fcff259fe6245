package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps remove REF}. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a VPS and its keys from the registry.")
public final class VpsRemove extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.delete("/api/v1/vps/" + segment(ref));
        if (json()) {
            printJson(node);
            return;
        }
        out().println("removed vps-" + node.get("removed").get("id").asText());
    }
}

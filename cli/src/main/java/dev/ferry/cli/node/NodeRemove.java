package dev.ferry.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry node remove NAME}: forgets a runner and its credential (a machine replaced, or retired). */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a runner: its credential stops working; a machine enrolls under the name again.")
public final class NodeRemove extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "The runner's name.")
    String name;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.delete("/api/v1/nodes/" + segment(name));
        if (json()) {
            printJson(node);
            return;
        }
        int placed = node.get("vps_placed").asInt();
        out().println("removed runner " + node.get("removed").asText() + ": its credential no longer works"
                + (placed == 0 ? "" : "; its " + placed + " VPS stay placed on the name and are set up again when a "
                + "runner enrolls as " + node.get("removed").asText() + " (or remove them: ferry vps remove)"));
    }
}

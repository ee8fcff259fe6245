package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps revoke VPS PERSON}. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Take a person's grant to a VPS away: their sessions there end at once.")
public final class VpsRevoke extends ClientCommand {
    @Parameters(index = "0", paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Parameters(index = "1", paramLabel = "PERSON", description = "The person's name.")
    String person;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.delete("/api/v1/vps/" + segment(ref) + "/grants/" + segment(person));
        if (json()) {
            printJson(node);
            return;
        }
        out().println("revoked " + node.get("revoked").get("person").asText() + "'s grant to vps-"
                + node.get("revoked").get("vps").asText());
    }
}

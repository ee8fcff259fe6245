package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps keys remove REF SHA256:...}. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove one SSH key from a VPS (not its last one).")
public final class KeysRemove extends ClientCommand {
    @Parameters(index = "0", paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Parameters(index = "1", paramLabel = "FINGERPRINT", description = "SHA256:... as 'ferry vps keys list' shows.")
    String fingerprint;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.delete("/api/v1/vps/" + segment(ref) + "/keys/" + segment(fingerprint));
        if (json()) {
            printJson(node);
            return;
        }
        out().println("removed " + node.get("removed").get("fingerprint").asText());
    }
}

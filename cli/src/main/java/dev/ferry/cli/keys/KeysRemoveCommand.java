package dev.ferry.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Parameters;

/** Removes one SSH key from what {@link #keysPath} holds them for: a VPS or a person. */
public abstract class KeysRemoveCommand extends ClientCommand {
    @Parameters(index = "1", paramLabel = "FINGERPRINT", description = "SHA256:... as 'keys list' shows.")
    String fingerprint;

    /** The API path of the keys, e.g. {@code /api/v1/vps/web/keys}. */
    protected abstract String keysPath();

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.delete(keysPath() + "/" + segment(fingerprint));
        if (json()) {
            printJson(node);
            return;
        }
        out().println("removed " + node.get("removed").get("fingerprint").asText());
    }
}

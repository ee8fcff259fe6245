package dev.ferry.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AddKeysRequest;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.KeyOptions;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.ArgGroup;

/** Adds SSH public keys to what {@link #keysPath} holds them for: a VPS or a person. */
public abstract class KeysAddCommand extends ClientCommand {
    @ArgGroup(exclusive = false, multiplicity = "1")
    KeyOptions keys;

    /** The API path of the keys, e.g. {@code /api/v1/vps/web/keys}. */
    protected abstract String keysPath();

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post(keysPath(), new AddKeysRequest(keys.lines()));
        if (json()) {
            printJson(node);
            return;
        }
        for (JsonNode k : node.get("added")) {
            out().println("added " + k.get("fingerprint").asText());
        }
    }
}

package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AddKeysRequest;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.KeyOptions;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps keys add REF (--ssh-key FILE | --ssh-key-string S)...}. */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Add SSH public keys to a VPS.")
public final class KeysAdd extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @ArgGroup(exclusive = false, multiplicity = "1")
    KeyOptions keys;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/vps/" + segment(ref) + "/keys", new AddKeysRequest(keys.lines()));
        if (json()) {
            printJson(node);
            return;
        }
        for (JsonNode k : node.get("added")) {
            out().println("added " + k.get("fingerprint").asText());
        }
    }
}

package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.KeyView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Table;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps keys list REF}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the SSH keys of a VPS.")
public final class KeysList extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/vps/" + segment(ref) + "/keys");
        if (json()) {
            printJson(node);
            return;
        }
        printKeys(node.get("keys"));
    }

    void printKeys(JsonNode keys) {
        Table t = new Table("FINGERPRINT", "TYPE", "COMMENT", "ADDED");
        for (JsonNode n : keys) {
            KeyView k = ApiClient.as(n, KeyView.class);
            t.row(k.fingerprint(), k.type(), k.comment().isEmpty() ? "-" : k.comment(), k.addedAt());
        }
        t.print(out());
    }
}

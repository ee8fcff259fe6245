package dev.ferry.cli.keys;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.KeyView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Table;
import dev.ferry.cli.client.ApiClient;
import java.io.PrintWriter;

/** Lists the SSH keys {@link #keysPath} holds: a VPS's or a person's. */
public abstract class KeysListCommand extends ClientCommand {
    /** The API path of the keys, e.g. {@code /api/v1/vps/web/keys}. */
    protected abstract String keysPath();

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get(keysPath());
        if (json()) {
            printJson(node);
            return;
        }
        print(node.get("keys"), out());
    }

    /** Keys as a table: fingerprint, type, comment, when added. */
    public static void print(JsonNode keys, PrintWriter out) {
        Table t = new Table("FINGERPRINT", "TYPE", "COMMENT", "ADDED");
        for (JsonNode n : keys) {
            KeyView k = ApiClient.as(n, KeyView.class);
            t.row(k.fingerprint(), k.type(), k.comment().isEmpty() ? "-" : k.comment(), k.addedAt());
        }
        t.print(out);
    }
}

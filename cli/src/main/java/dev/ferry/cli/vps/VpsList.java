package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Table;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;

/** {@code ferry vps list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List every VPS.")
public final class VpsList extends ClientCommand {
    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/vps");
        if (json()) {
            printJson(node);
            return;
        }
        Table t = new Table("ID", "NAME", "STATUS", "ENDPOINT", "KEYS", "AGE");
        for (JsonNode n : node.get("vps")) {
            VpsView v = ApiClient.as(n, VpsView.class);
            t.row(v.id(), v.name() == null ? "-" : v.name(), v.status(), v.endpoint(),
                    Integer.toString(v.keyCount()), Table.age(v.createdAt()));
        }
        t.print(out());
    }
}

package dev.ferry.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.NodeView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Sizes;
import dev.ferry.cli.Table;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;

/** {@code ferry node list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List runners: address, status, heartbeat, load.")
public final class NodeList extends ClientCommand {
    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/nodes");
        if (json()) {
            printJson(node);
            return;
        }
        Table t = new Table("NAME", "ADDRESS", "STATUS", "LAST HEARTBEAT", "VPS COUNT", "CPUS", "MEMORY", "DOCKER");
        for (JsonNode n : node.get("nodes")) {
            NodeView r = ApiClient.as(n, NodeView.class);
            t.row(r.name(), r.address(), r.status(), r.lastHeartbeat() + " (" + r.secondsSinceHeartbeat() + " s ago)",
                    Integer.toString(r.vpsCount()), Integer.toString(r.cpus()), Sizes.human(r.memoryBytes()),
                    r.dockerOk() ? "ok" : "unreachable: " + r.dockerError());
        }
        t.print(out());
    }
}

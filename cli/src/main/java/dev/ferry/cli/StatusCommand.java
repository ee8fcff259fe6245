package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.api.NodeView;
import dev.ferry.cli.client.ApiClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code ferry status}: is the Host up, where it takes SSH, and its runners. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Whether the Host answers, where it takes SSH, and its runners (a Host that is not running "
                + "is said so, exit 5).")
public final class StatusCommand extends ClientCommand {
    @Override
    protected void run(ApiClient api) {
        JsonNode bastion = api.get("/api/v1/bastion");
        JsonNode nodes = api.get("/api/v1/nodes").get("nodes");
        if (json()) {
            ObjectNode all = JsonNodeFactory.instance.objectNode();
            all.put("host", hostUrl());
            all.set("bastion", bastion);
            all.set("nodes", nodes);
            printJson(all);
            return;
        }
        List<String> names = new ArrayList<>();
        bastion.path("names").forEach(n -> names.add(n.asText()));
        out().println("Host " + hostUrl() + ": up; SSH on port " + bastion.path("ssh_port").asInt()
                + (names.isEmpty() ? "" : " as " + String.join(", ", names)));
        if (nodes.isEmpty()) {
            out().println("runners: none enrolled (" + env().launcher() + " up runs one on this machine; "
                    + env().launcher() + " node token gives another machine's its token)");
            return;
        }
        for (JsonNode n : nodes) {
            NodeView r = ApiClient.as(n, NodeView.class);
            out().println("runner " + r.name() + ": " + r.status() + ", " + r.vpsCount() + " VPS, last heard "
                    + r.secondsSinceHeartbeat() + " s ago" + (r.dockerOk() ? "" : "; Docker unreachable: "
                    + r.dockerError()));
        }
    }
}

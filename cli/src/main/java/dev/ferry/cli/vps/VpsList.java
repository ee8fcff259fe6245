package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Table;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry vps list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List every VPS.")
public final class VpsList extends ClientCommand {
    @Option(names = "--refs", hidden = true, description = "One name or id per line, for shell completion.")
    boolean refs;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/vps");
        if (refs) {
            for (JsonNode n : node.get("vps")) {
                VpsView v = ApiClient.as(n, VpsView.class);
                out().println(v.name() != null ? v.name() : v.id());
            }
            return;
        }
        if (json()) {
            printJson(node);
            return;
        }
        Table t = new Table("ID", "NAME", "STATUS", "RUNNER", "SSH PORT", "ENDPOINT", "CREATED");
        for (JsonNode n : node.get("vps")) {
            VpsView v = ApiClient.as(n, VpsView.class);
            t.row(v.id(), dash(v.name()), v.status(), v.runner() == null ? "(external)" : v.runner(),
                    v.sshPort() == null ? "-" : v.sshPort().toString(), dash(v.endpoint()), Table.age(v.createdAt()) + " ago");
        }
        t.print(out());
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}

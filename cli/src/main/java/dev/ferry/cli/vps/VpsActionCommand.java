package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Parameters;

/** The shape of {@code ferry vps stop|restart|pause|resume REF}. */
abstract class VpsActionCommand extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    /** The action's word in the API path. */
    abstract String action();

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/vps/" + segment(ref) + "/" + action(), null);
        if (json()) {
            printJson(node);
            return;
        }
        VpsView v = ApiClient.as(node, VpsView.class);
        out().println(v.sshUser() + ": " + action() + " requested (status " + v.status() + ", wanted " + v.desired()
                + "); follow it with: ferry vps status " + v.id());
    }
}

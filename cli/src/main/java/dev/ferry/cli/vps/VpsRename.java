package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.RenameRequest;
import dev.ferry.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps rename REF NEW-NAME}. */
@Command(name = "rename", mixinStandardHelpOptions = true,
        description = {"Give a VPS another name: vps-NEW-NAME reaches it from now on, vps-OLD-NAME no longer does.",
            "A runner-backed VPS's host certificate names it, so its runner installs a new one within a heartbeat "
                + "or two; run ferry ssh-config again for the aliases."})
public final class VpsRename extends ClientCommand {
    @Parameters(index = "0", paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Parameters(index = "1", paramLabel = "NEW-NAME", description = "The new name: a letter, then up to 62 letters, "
            + "digits or '-'.")
    String name;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.put("/api/v1/vps/" + segment(ref) + "/name", new RenameRequest(name));
        if (json()) {
            printJson(node);
            return;
        }
        VpsView v = ApiClient.as(node, VpsView.class);
        out().println(v.sshUser() + " is now named " + v.name() + " (vps-" + v.name() + ")");
    }
}

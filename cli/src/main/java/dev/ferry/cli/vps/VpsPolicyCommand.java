package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.PolicyRequest;
import dev.ferry.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry vps policy REF [--recording ...] [--forwarding ...]}. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = {"Show or set what a VPS demands of its sessions.",
            "--recording required: only plain mode (recorded) reaches it; ProxyJump is refused with a sentence "
                + "naming plain mode.",
            "--forwarding local: no -R; none: no forwards at all (VS Code, which needs -D, then does not work)."})
public final class VpsPolicyCommand extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Option(names = "--recording", paramLabel = "optional|required", description = "Whether its sessions must be "
            + "recorded (default optional).")
    String recording;

    @Option(names = "--forwarding", paramLabel = "all|local|none", description = "Which forwards its sessions may "
            + "open (default all).")
    String forwarding;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = recording == null && forwarding == null ? api.get("/api/v1/vps/" + segment(ref))
                : api.put("/api/v1/vps/" + segment(ref) + "/policy", new PolicyRequest(recording, forwarding));
        if (json()) {
            printJson(node);
            return;
        }
        VpsView v = ApiClient.as(node, VpsView.class);
        out().println(v.sshUser() + ": recording " + v.recording() + ", forwarding " + v.forwarding());
    }
}

package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.RenameRequest;
import dev.ferry.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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

    @Option(names = "--wait", description = "Return when a running VPS serves the host certificate for its new name "
            + "(until then a strict client refuses vps-NEW-NAME).")
    boolean waitForIt;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    int waitTimeout;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.put("/api/v1/vps/" + segment(ref) + "/name", new RenameRequest(name));
        VpsView v = ApiClient.as(node, VpsView.class);
        if (waitForIt && "running".equals(v.status())) {
            v = VpsWait.untilStatus(api, v.id(), "running", false, Duration.ofSeconds(waitTimeout),
                    StatusProgress.of(err(), onTerminal()));
            node = api.get("/api/v1/vps/" + v.id());
        }
        if (json()) {
            printJson(node);
            return;
        }
        out().println(v.sshUser() + " is now named " + v.name() + " (vps-" + v.name() + ")");
        if (waitForIt && VpsWait.awaitsCertificate(v)) {
            err().println(VpsWait.certificateNote(v));
        }
    }
}

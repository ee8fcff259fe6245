package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The shape of {@code ferry vps stop|start|restart|pause|resume REF [--wait]}. */
abstract class VpsActionCommand extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Option(names = "--wait", description = "Return when the VPS has reached the state (or failed, with the reason).")
    boolean waitForIt;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    int waitTimeout;

    /** The action's word in the API path. */
    abstract String action();

    /** The status the action ends in. */
    abstract String reaches();

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/vps/" + segment(ref) + "/" + action(), null);
        VpsView v = ApiClient.as(node, VpsView.class);
        if (waitForIt) {
            boolean leaveFirst = "restart".equals(action()) && reaches().equals(v.status());
            v = VpsWait.untilStatus(api, v.id(), reaches(), leaveFirst, Duration.ofSeconds(waitTimeout),
                    StatusProgress.of(err(), onTerminal()));
            if (json()) {
                printJson(v);
            } else {
                out().println(v.sshUser() + ": " + v.status());
            }
            if (VpsWait.awaitsCertificate(v)) {
                err().println(VpsWait.certificateNote(v));
            }
            return;
        }
        if (json()) {
            printJson(node);
            return;
        }
        out().println(v.sshUser() + ": " + action() + " requested (status " + v.status() + ", wanted " + v.desired()
                + "); follow it with: " + env().launcher() + " vps status " + v.id());
    }
}

package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.VpsView;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.ssh.GeneratedKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry vps remove REF}: asks first on a terminal; the key {@code --gen-ssh-key} wrote goes with it. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a VPS and its keys from the registry, and the private key vps create --gen-ssh-key "
                + "wrote for it on this machine. On a terminal it asks first.")
public final class VpsRemove extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Option(names = {"-y", "--yes"}, description = "Do not ask (scripts, and anything not on a terminal, are "
            + "never asked).")
    boolean yes;

    @Option(names = "--wait", description = "Return when its runner has removed its container (a heartbeat or two).")
    boolean waitForIt;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    int waitTimeout;

    @Override
    protected int runForExit(ApiClient api) {
        if (!yes && onTerminal()) {
            VpsView v = ApiClient.as(api.get("/api/v1/vps/" + segment(ref)), VpsView.class);
            String answer = System.console().readLine("remove %s (%s) with its container and data? [y/N] ",
                    v.sshUser(), v.name() == null ? "no name" : v.name());
            if (answer == null || !answer.strip().equalsIgnoreCase("y") && !answer.strip().equalsIgnoreCase("yes")) {
                err().println("not removed");
                return ExitCodes.FAILURE;
            }
        }
        JsonNode node = api.delete("/api/v1/vps/" + segment(ref));
        String id = node.get("removed").get("id").asText();
        List<Path> deleted = GeneratedKeys.forget(env(), id, err());
        String runner = node.get("removed").path("runner").asText(null);
        if (waitForIt && runner != null) {
            awaitContainerGone(api, id, runner);
        }
        if (json()) {
            printJson(node);
            return 0;
        }
        out().println("removed vps-" + id + (waitForIt && runner != null ? ", its container gone from runner "
                + runner : ""));
        deleted.forEach(p -> err().println("deleted its generated key " + p));
        return 0;
    }

    /** Until the Host has heard from its runner that the container is gone. */
    private void awaitContainerGone(ApiClient api, String id, String runner) {
        long deadline = System.nanoTime() + Duration.ofSeconds(waitTimeout).toNanos();
        while (true) {
            JsonNode pending;
            try {
                pending = api.get("/api/v1/removals/" + id);
            } catch (FerryException e) {
                if (e.kind() == FerryException.Kind.NOT_FOUND) {
                    return;
                }
                throw e;
            }
            if (System.nanoTime() > deadline) {
                throw new FerryException(FerryException.Kind.UNAVAILABLE, "vps-" + id + " is removed, but runner "
                        + runner + " still had its container at its last report after " + waitTimeout + " s (runner "
                        + pending.path("runner_state").asText("not registered") + "); it removes it when it next "
                        + "reports");
            }
            VpsWait.pause();
        }
    }

    @Override
    protected void run(ApiClient api) {
        runForExit(api);
    }
}

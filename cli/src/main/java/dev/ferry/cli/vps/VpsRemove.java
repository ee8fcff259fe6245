package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.ssh.GeneratedKeys;
import java.nio.file.Path;
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
        if (json()) {
            printJson(node);
            return 0;
        }
        out().println("removed vps-" + id);
        deleted.forEach(p -> err().println("deleted its generated key " + p));
        return 0;
    }

    @Override
    protected void run(ApiClient api) {
        runForExit(api);
    }
}

package dev.ferry.cli.login;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;

/** {@code ferry whoami}: whom the CLI acts as, with what role, on which Host. */
@Command(name = "whoami", mixinStandardHelpOptions = true, description = "Who the CLI acts as, and with what role.")
public final class WhoamiCommand extends ClientCommand {
    @Override
    protected void run(ApiClient api) {
        JsonNode me = api.get("/api/v1/whoami");
        if (json()) {
            printJson(me);
            return;
        }
        out().println(me.path("name").asText() + " (" + me.path("role").asText() + "), with the "
                + me.path("via").asText() + ", on " + hostUrl());
    }
}

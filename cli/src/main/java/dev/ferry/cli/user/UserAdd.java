package dev.ferry.cli.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.NewPersonRequest;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.KeyOptions;
import dev.ferry.cli.client.ApiClient;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry user add NAME --role ROLE [--ssh-key FILE]...}. */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Add a person with a role and SSH keys.")
public final class UserAdd extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "A letter, then up to 31 letters, digits, '-' or '_'.")
    String name;

    @Option(names = "--role", required = true, paramLabel = "ROLE",
            description = "admin (everything, people included), member (creates VPS and manages those they own or "
                    + "are granted), auditor (reads VPS, sessions, recordings and the audit; logs in nowhere).")
    String role;

    @ArgGroup(exclusive = false, multiplicity = "0..1")
    KeyOptions keys;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/users", new NewPersonRequest(name, role, keys == null ? List.of()
                : keys.lines()));
        if (json()) {
            printJson(node);
            return;
        }
        out().println("added " + node.get("name").asText() + " (" + node.get("role").asText() + ", "
                + node.get("key_count").asInt() + " key" + (node.get("key_count").asInt() == 1 ? "" : "s") + ")");
    }
}

package dev.ferry.cli.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.GrantView;
import dev.ferry.api.PersonView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.keys.KeysListCommand;
import dev.ferry.cli.vps.GrantLines;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry user show NAME}: a person, their keys and grants. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show a person: role, keys, grants.")
public final class UserShow extends ClientCommand {
    @Parameters(paramLabel = "NAME", description = "The person's name.")
    String name;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/users/" + segment(name));
        if (json()) {
            printJson(node);
            return;
        }
        PersonView p = ApiClient.as(node, PersonView.class);
        PrintWriter out = out();
        out.println("name:     " + p.name());
        out.println("role:     " + p.role());
        out.println("status:   " + (p.disabledAt() == null ? "enabled" : "disabled at " + p.disabledAt() + " by "
                + p.disabledBy()));
        out.println("added:    " + p.createdAt() + " by " + p.createdBy());
        out.println(p.grants().isEmpty() ? "grants:   none" : "grants:");
        for (GrantView g : p.grants()) {
            out.println("  " + GrantLines.line(g, true));
        }
        out.println("keys:     " + p.keyCount());
        KeysListCommand.print(node.get("keys"), out);
    }
}

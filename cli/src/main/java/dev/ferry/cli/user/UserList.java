package dev.ferry.cli.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.PersonView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Table;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;

/** {@code ferry user list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the people.")
public final class UserList extends ClientCommand {
    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/users");
        if (json()) {
            printJson(node);
            return;
        }
        Table t = new Table("NAME", "ROLE", "KEYS", "STATUS", "ADDED");
        for (JsonNode n : node.get("users")) {
            PersonView p = ApiClient.as(n, PersonView.class);
            t.row(p.name(), p.role(), Integer.toString(p.keyCount()), p.disabledAt() == null ? "enabled"
                    : "disabled", p.createdAt());
        }
        t.print(out());
    }
}

package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.GrantRequest;
import dev.ferry.api.GrantView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry vps grant VPS PERSON [--login root,dev] [--until T]}. */
@Command(name = "grant", mixinStandardHelpOptions = true,
        description = "Let a person into a VPS (again: the new grant replaces theirs), as some login users, until a "
                + "time.")
public final class VpsGrant extends ClientCommand {
    @Parameters(index = "0", paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Parameters(index = "1", paramLabel = "PERSON", description = "The person's name.")
    String person;

    @Option(names = "--login", split = ",", paramLabel = "USER",
            description = "The login users inside the VPS it allows (vps-NAME+USER), comma-separated; default any.")
    List<String> logins = new ArrayList<>();

    @Option(names = "--until", paramLabel = "WHEN",
            description = "When it ends: an instant (2026-12-31T18:00Z) or a time from now (30m, 8h, 7d, 2w); "
                    + "default never. Open sessions end then, with a sentence.")
    String until;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.put("/api/v1/vps/" + segment(ref) + "/grants/" + segment(person), new GrantRequest(
                logins, until == null ? null : GrantLines.until(until, Clock.systemUTC())));
        if (json()) {
            printJson(node);
            return;
        }
        out().println("granted " + GrantLines.line(ApiClient.as(node, GrantView.class), false) + " to "
                + (node.path("vps_name").isNull() ? "vps-" + node.get("vps").asText() : node.get("vps_name").asText()));
    }
}

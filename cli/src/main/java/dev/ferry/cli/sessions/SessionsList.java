package dev.ferry.cli.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.SessionView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Sizes;
import dev.ferry.cli.Table;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry sessions list [--vps REF]}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the live sessions of every Host: who, from where, into which VPS, since when.")
public final class SessionsList extends ClientCommand {
    @Option(names = "--vps", paramLabel = "REF", description = "Only the sessions in this VPS (id or name), ProxyJump "
            + "forwards to it included.")
    String vps;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get(vps == null ? "/api/v1/sessions" : "/api/v1/vps/" + segment(vps) + "/sessions");
        if (json()) {
            printJson(node);
            return;
        }
        if (node.get("sessions").isEmpty()) {
            out().println(vps == null ? "no live sessions" : "no live sessions in " + vps);
            return;
        }
        Table t = new Table("ID", "USER", "WHO", "FROM", "MODE", "SINCE", "IN/OUT", "CHANNELS", "KEY");
        for (JsonNode n : node.get("sessions")) {
            SessionView s = ApiClient.as(n, SessionView.class);
            t.row(s.id(), s.user(), s.via() == null ? "-" : s.via(), s.client(), s.mode(), Table.age(s.startedAt()),
                    Sizes.bytes(s.bytesToVps()) + "/" + Sizes.bytes(s.bytesFromVps()),
                    SessionsShow.channelSummary(s), s.key());
        }
        t.print(out());
    }
}

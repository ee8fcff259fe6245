package dev.ferry.cli.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.ChannelView;
import dev.ferry.api.SessionView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Sizes;
import dev.ferry.cli.Table;
import dev.ferry.cli.client.ApiClient;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry sessions show ID}. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one live session: its key, client, Host, bytes and open channels.")
public final class SessionsShow extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The session's id, as the list shows it (s1234).")
    String id;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/sessions/" + segment(id));
        if (json()) {
            printJson(node);
            return;
        }
        SessionView s = ApiClient.as(node, SessionView.class);
        out().println("session " + s.id() + ": " + s.user() + " from " + s.client());
        out().println("  key:     " + s.key() + (s.via() == null ? "" : ", " + s.via()));
        if (s.vps() != null) {
            out().println("  vps:     " + s.vps() + " (id " + s.vpsId() + "), login " + s.login());
        }
        out().println("  mode:    " + s.mode());
        out().println("  host:    " + s.host());
        out().println("  since:   " + s.startedAt() + " (" + Table.age(s.startedAt()) + ")");
        out().println("  bytes:   " + s.bytesToVps() + " to the VPS, " + s.bytesFromVps() + " from it (as of "
                + s.updatedAt() + ")");
        if (s.channels().isEmpty()) {
            out().println("  no open channels");
            return;
        }
        Table t = new Table("  CHANNEL", "KIND", "DETAIL", "SINCE", "IN/OUT");
        for (ChannelView c : s.channels()) {
            t.row("  " + c.id(), c.kind(), c.detail().isEmpty() ? "-" : c.detail(), Table.age(c.openedAt()),
                    Sizes.bytes(c.bytesToVps()) + "/" + Sizes.bytes(c.bytesFromVps()));
        }
        t.print(out());
        if (s.channelsMore() > 0) {
            out().println("  and " + s.channelsMore() + " more channels");
        }
    }

    /** The list's short word on a session's channels: {@code shell, 2 forward}. */
    static String channelSummary(SessionView s) {
        Map<String, Integer> kinds = new TreeMap<>();
        s.channels().forEach(c -> kinds.merge(c.kind(), 1, Integer::sum));
        StringBuilder b = new StringBuilder();
        kinds.forEach((kind, n) -> b.append(b.length() == 0 ? "" : ", ").append(n == 1 ? "" : n + " ").append(kind));
        if (s.channelsMore() > 0) {
            b.append(" and ").append(s.channelsMore()).append(" more");
        }
        return b.length() == 0 ? "-" : b.toString();
    }
}

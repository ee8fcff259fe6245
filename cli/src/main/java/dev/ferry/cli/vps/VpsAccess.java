package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.AccessView;
import dev.ferry.api.GrantView;
import dev.ferry.api.KeyView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps access VPS}: who may get in, as whom, until when. */
@Command(name = "access", mixinStandardHelpOptions = true,
        description = "Who may get into a VPS, as which login users, until when.")
public final class VpsAccess extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/vps/" + segment(ref) + "/access");
        if (json()) {
            printJson(node);
            return;
        }
        AccessView a = ApiClient.as(node, AccessView.class);
        PrintWriter out = out();
        out.println("vps-" + a.vps() + (a.vpsName() == null ? "" : " (" + a.vpsName() + ")") + ":");
        for (KeyView k : a.vpsKeys()) {
            out.println("  VPS key " + k.fingerprint() + (k.comment().isEmpty() ? "" : " (" + k.comment() + ")")
                    + " as any user, no end");
        }
        if (a.owner() != null) {
            out.println("  " + a.owner() + " (owner) as any user, no end");
        }
        for (String admin : a.admins()) {
            out.println("  " + admin + " (admin) as any user, no end");
        }
        for (GrantView g : a.grants()) {
            out.println("  " + GrantLines.line(g, false));
        }
    }
}

package dev.ferry.cli.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry sessions verify ID}: whether a session's recording files are the ones written. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a session's recording files against the SHA-256 the registry kept when each closed; "
                + "exits 1 when one was changed or is missing.")
public final class SessionsVerify extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The session's id (s1234).")
    String id;

    @Override
    protected int runForExit(ApiClient api) {
        JsonNode node = api.get("/api/v1/sessions/" + segment(id) + "/verify");
        if (json()) {
            printJson(node);
        }
        boolean bad = false;
        for (JsonNode f : node.get("files")) {
            String status = f.get("status").asText();
            bad |= status.equals("modified") || status.equals("missing");
            if (!json()) {
                out().println(switch (status) {
                    case "ok" -> "ok        " + f.get("name").asText() + " (sha256 " + f.get("sha256").asText() + ")";
                    case "not closed" -> "not closed " + f.get("name").asText() + ": its Host stopped before the "
                            + "session ended; readable up to its last second, with nothing to check it against";
                    case "missing" -> "MISSING   " + f.get("name").asText() + ": the file is gone";
                    default -> "MODIFIED  " + f.get("name").asText() + ": sha256 " + f.get("actual").asText()
                            + ", written as " + f.get("sha256").asText();
                });
            }
        }
        return bad ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    @Override
    protected void run(ApiClient api) {
        runForExit(api);
    }
}

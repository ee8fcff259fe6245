package dev.ferry.cli.login;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.ApiTokenView;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Durations;
import dev.ferry.cli.Table;
import dev.ferry.cli.client.ApiClient;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ferry token}: your own API tokens. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Your own API tokens: create, list, revoke.",
        subcommands = {TokenCommand.Create.class, TokenCommand.List.class, TokenCommand.Revoke.class})
public final class TokenCommand {
    /** {@code --ttl 30d} as seconds. */
    public static long seconds(String ttl) {
        Duration d = Durations.parse(ttl);
        if (d == null) {
            throw FerryException.invalid("--ttl '" + ttl + "' is not a length of time like 30m, 8h, 30d or 2w");
        }
        return d.toSeconds();
    }

    /** Prints a token just made: its secret alone on standard output, what to do with it on standard error. */
    public static void printIssued(JsonNode node, PrintWriter out, PrintWriter err, String hostUrl) {
        ApiTokenView t = ApiClient.as(node, ApiTokenView.class);
        out.println(t.token());
        err.println("token " + t.id() + " (" + t.name() + ") of " + t.person() + ", until " + t.expiresAt()
                + "; shown this once. Sign in with it: ferry login --host " + hostUrl + " --token-file FILE");
    }

    /** {@code ferry token create --name NAME [--ttl 30d]}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make an API token of your own; it is printed once.")
    public static final class Create extends ClientCommand {
        @Mixin
        TokenOptions token;

        @Override
        protected void run(ApiClient api) {
            JsonNode node = api.post("/api/v1/tokens", token.request());
            if (json()) {
                printJson(node);
                return;
            }
            printIssued(node, out(), err(), hostUrl());
        }
    }

    /** {@code ferry token list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List your API tokens.")
    public static final class List extends ClientCommand {
        @Override
        protected void run(ApiClient api) {
            JsonNode node = api.get("/api/v1/tokens");
            if (json()) {
                printJson(node);
                return;
            }
            Table t = new Table("ID", "NAME", "CREATED", "UNTIL");
            for (JsonNode n : node.get("tokens")) {
                ApiTokenView v = ApiClient.as(n, ApiTokenView.class);
                t.row(v.id(), v.name(), v.createdAt(), v.expiresAt());
            }
            t.print(out());
        }
    }

    /** {@code ferry token revoke ID}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke one of your API tokens.")
    public static final class Revoke extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "t... as 'ferry token list' shows.")
        String id;

        @Override
        protected void run(ApiClient api) {
            JsonNode node = api.delete("/api/v1/tokens/" + segment(id));
            if (json()) {
                printJson(node);
                return;
            }
            out().println("revoked " + node.get("revoked").get("id").asText());
        }
    }
}

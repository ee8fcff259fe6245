package dev.ferry.cli.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.login.TokenCommand;
import dev.ferry.cli.login.TokenOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ferry user token NAME --name N [--ttl 30d]}: an admin makes a person their first token. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Make an API token for a person (their first one; they make their own after ferry login).")
public final class UserToken extends ClientCommand {
    @Parameters(paramLabel = "PERSON", description = "The person's name.")
    String person;

    @Mixin
    TokenOptions token;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/users/" + segment(person) + "/tokens", token.request());
        if (json()) {
            printJson(node);
            return;
        }
        TokenCommand.printIssued(node, out(), err(), hostUrl());
    }
}

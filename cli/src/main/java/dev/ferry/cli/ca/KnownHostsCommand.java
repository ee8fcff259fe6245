package dev.ferry.cli.ca;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;

/** {@code ferry known-hosts}: the known_hosts lines that trust the bastion and every VPS without a prompt. */
@Command(name = "known-hosts", mixinStandardHelpOptions = true,
        description = {"Print the @cert-authority lines for known_hosts: one for the bastion's names, one for vps-*.",
                "With them in ~/.ssh/known_hosts (ferry known-hosts >> ~/.ssh/known_hosts), ssh trusts the bastion "
                        + "and every VPS with StrictHostKeyChecking yes and never asks about a host key."})
public final class KnownHostsCommand extends ClientCommand {
    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/ca/known-hosts");
        if (json()) {
            printJson(node);
            return;
        }
        for (JsonNode line : node.get("lines")) {
            out().println(line.asText());
        }
    }
}

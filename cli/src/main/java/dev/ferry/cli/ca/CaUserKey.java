package dev.ferry.cli.ca;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Command;

/** {@code ferry ca user-key}: the user CA public key an external VPS's sshd is to trust. */
@Command(name = "user-key", mixinStandardHelpOptions = true,
        description = {"Print the Host's user CA public key (one OpenSSH line).",
                "On an external VPS, save it as /etc/ssh/ferry_user_ca.pub and add "
                        + "'TrustedUserCAKeys /etc/ssh/ferry_user_ca.pub' to sshd_config, so that the bastion's "
                        + "short-lived certificates log in (plain mode). Runners install it in their VPS themselves."})
public final class CaUserKey extends ClientCommand {
    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/ca/user-key");
        if (json()) {
            printJson(node);
            return;
        }
        out().println(node.get("public_key").asText());
    }
}

package dev.ferry.cli.ca;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import picocli.CommandLine.Option;

/**
 * {@code ferry ca user-key|client-key [--vps REF]}: one of the Host's CA public keys as one OpenSSH line, or with
 * {@code --vps} what an external VPS's sshd needs to take that CA's certificates, as commands to run as root on it.
 */
abstract class CaKeyCommand extends ClientCommand {
    /** The last command of every set-up: sshd checks its new configuration, then reads it. */
    static final String RELOAD = "sshd -t && { systemctl reload ssh 2>/dev/null || kill -HUP "
            + "\"$(cat /run/sshd.pid)\"; }";

    @Option(names = "--vps", paramLabel = "VPS", description = "Print the set-up of this external VPS (id or name).")
    String vps;

    /** The route that answers the CA's public key ({@code {"public_key": "ssh-ed25519 AAAA..."}}). */
    abstract String keyPath();

    /** Prints what the external VPS {@link #vps} needs for the CA whose answer is {@code ca}. */
    abstract void printSetUp(ApiClient api, JsonNode ca, String key);

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get(keyPath());
        String key = node.get("public_key").asText();
        if (vps != null) {
            printSetUp(api, node, key);
        } else if (json()) {
            printJson(node);
        } else {
            out().println(key);
        }
    }
}

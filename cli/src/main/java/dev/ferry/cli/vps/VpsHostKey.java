package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.SetHostKeyRequest;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.HostKeyOptions;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.keys.SshPublicKey;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps host-key REF (--host-key FILE | --host-key-string LINE)}. */
@Command(name = "host-key", mixinStandardHelpOptions = true,
        description = "Record the host key an external VPS's sshd presents now (after its host keys were changed "
                + "on purpose); the bastion refuses any other.")
public final class VpsHostKey extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @ArgGroup(exclusive = true, multiplicity = "1")
    HostKeyOptions hostKey;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.put("/api/v1/vps/" + segment(ref) + "/host-key", new SetHostKeyRequest(hostKey.line()));
        if (json()) {
            printJson(node);
            return;
        }
        out().println("host key of " + node.get("ssh_user").asText() + " is now "
                + SshPublicKey.parse(node.get("host_key").asText()).fingerprint());
    }
}

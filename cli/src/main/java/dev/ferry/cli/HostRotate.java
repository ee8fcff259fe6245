package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.host.Secret;
import dev.ferry.cli.client.ApiClient;
import java.util.Arrays;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry host rotate SECRET}: renews a secret on every Host of the registry. */
@Command(name = "rotate", mixinStandardHelpOptions = true,
        description = {"Renew a secret on every Host of the registry: admin-token, runner-token, metrics-token or "
                + "api-tls (the control API's TLS key).",
                "The Host asked writes the new one to its data directory (and, sealed, to a shared registry); every "
                        + "Host serves it within 5 s, and the old one stops working. Prints the new token or "
                        + "fingerprint once, and who must be given it."})
public final class HostRotate extends ClientCommand {
    @Parameters(paramLabel = "SECRET", completionCandidates = Secrets.class,
            description = "admin-token, runner-token, metrics-token or api-tls.")
    String secret;

    /** The secrets' words, for completion and help. */
    static final class Secrets implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Secret.values()).map(Secret::word).iterator();
        }
    }

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/host/rotate/" + segment(secret), null);
        if (json()) {
            printJson(node);
            return;
        }
        out().println(node.get("secret").asText() + " rotated on every Host of the registry");
        if (node.hasNonNull("token")) {
            out().println("new token: " + node.get("token").asText() + " (shown once here; each Host keeps it in its "
                    + "data directory)");
        }
        if (node.hasNonNull("host_fingerprint")) {
            out().println("new API fingerprint: " + node.get("host_fingerprint").asText());
        }
        out().println("what this breaks: " + node.get("breaks").asText());
    }
}

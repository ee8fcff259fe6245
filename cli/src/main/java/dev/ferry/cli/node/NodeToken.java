package dev.ferry.cli.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import java.net.URI;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry node token}: a one-time join token for enrolling one runner. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Make a one-time join token: a new runner enrolls with it once and receives its own credential.")
public final class NodeToken extends ClientCommand {
    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "3600",
            description = "How long the token may be used (default: ${DEFAULT-VALUE} s, at most 7 days).")
    long ttlSeconds;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/nodes/tokens", Map.of("ttl_seconds", ttlSeconds));
        if (json()) {
            printJson(node);
            return;
        }
        out().println(node.get("token").asText());
        out().println("# one-time join token, valid until " + node.get("expires_at").asText() + ". On the runner "
                + "machine, put it in a file only you can read and start the runner with it once:");
        out().println("#   umask 077; cat > join.token    # paste the token, then Ctrl-D");
        JsonNode pin = node.path("host_fingerprint");
        boolean local = URI.create(hostUrl()).getHost().matches("127\\..*|localhost|\\[?::1]?");
        out().println("#   ferry runner --host " + (local ? "https://HOST:PORT" : hostUrl())
                + (pin.isTextual() ? " --host-fingerprint " + pin.asText() : " --host-fingerprint sha256:...")
                + " --name NAME --advertise ADDRESS --token-file join.token");
        if (local) {
            out().println("# (this CLI reached the Host on loopback: a runner on another machine uses the address "
                    + "it reaches the Host's API by, bound beyond loopback with api_bind, where it speaks TLS)");
        }
        out().println("# the runner keeps its own credential from then on; the token is then used up");
    }
}

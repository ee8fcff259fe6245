package dev.ferry.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command that talks to the control API takes. */
public final class ClientOptions {
    @Option(names = "--host", paramLabel = "URL",
            description = "Control API of the Ferry host (default: $FERRY_HOST, config.toml [client] host, "
                    + "else http://127.0.0.1:8000).")
    String host;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Admin token. A token on the command line shows in the process list: prefer --token-file.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding the admin token, readable by its owner only (default: $FERRY_TOKEN_FILE, "
                    + "$FERRY_TOKEN, config.toml [client] token_file or token, else the local data directory's "
                    + "admin.token).")
    Path tokenFile;

    @Option(names = "--host-fingerprint", paramLabel = "sha256:...",
            description = "The Host's TLS key, required for an https:// Host (default: $FERRY_HOST_FINGERPRINT, "
                    + "config.toml [client] host_fingerprint, else the local Host's own): 'ferry host' prints it "
                    + "at start.")
    String hostFingerprint;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: $FERRY_HOME/config.toml or ~/.ferry/config.toml).")
    Path config;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean json;
}

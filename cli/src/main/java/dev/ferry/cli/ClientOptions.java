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
            description = "Admin token (default: $FERRY_TOKEN, config.toml [client] token, else the local "
                    + "data directory's admin.token).")
    String token;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: $FERRY_HOME/config.toml or ~/.ferry/config.toml).")
    Path config;

    @Option(names = "--json", description = "Print machine-readable JSON.")
    boolean json;
}

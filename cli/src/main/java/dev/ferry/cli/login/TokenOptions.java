package dev.ferry.cli.login;

import dev.ferry.api.ApiTokenRequest;
import picocli.CommandLine.Option;

/** {@code --name} and {@code --ttl} of a new API token. */
public final class TokenOptions {
    @Option(names = "--name", required = true, paramLabel = "NAME", description = "What it is for: laptop, ci.")
    String name;

    @Option(names = "--ttl", paramLabel = "TIME", defaultValue = "30d",
            description = "How long it lasts: 30m, 8h, 30d, 2w (default ${DEFAULT-VALUE}, at most 366d).")
    String ttl;

    /** The request for such a token. */
    public ApiTokenRequest request() {
        return new ApiTokenRequest(name, TokenCommand.seconds(ttl));
    }
}

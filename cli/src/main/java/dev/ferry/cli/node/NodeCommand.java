package dev.ferry.cli.node;

import picocli.CommandLine.Command;

/** {@code ferry node}: the runners. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Inspect runner machines.",
        subcommands = {NodeList.class})
public final class NodeCommand {
}

package dev.ferry.cli.node;

import picocli.CommandLine.Command;

/** {@code ferry node}: the runners. */
@Command(name = "node", mixinStandardHelpOptions = true, description = "Runner machines: list, enroll, remove.",
        subcommands = {NodeList.class, NodeToken.class, NodeRemove.class})
public final class NodeCommand {
}

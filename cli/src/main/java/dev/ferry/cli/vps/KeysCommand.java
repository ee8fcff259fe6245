package dev.ferry.cli.vps;

import picocli.CommandLine.Command;

/** {@code ferry vps keys}: the keys of one VPS. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "List, add and remove a VPS's SSH keys.",
        subcommands = {KeysList.class, KeysAdd.class, KeysRemove.class})
public final class KeysCommand {
}

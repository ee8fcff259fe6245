package dev.ferry.cli.vps;

import picocli.CommandLine.Command;

/** {@code ferry vps}: the VPS commands. */
@Command(name = "vps", mixinStandardHelpOptions = true, description = "Register, inspect and remove VPS.",
        subcommands = {VpsAdd.class, VpsList.class, VpsStatus.class, VpsRemove.class, KeysCommand.class})
public final class VpsCommand {
}

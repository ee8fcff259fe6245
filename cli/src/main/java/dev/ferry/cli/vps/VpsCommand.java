package dev.ferry.cli.vps;

import picocli.CommandLine.Command;

/** {@code ferry vps}: the VPS commands. */
@Command(name = "vps", mixinStandardHelpOptions = true, description = "Create, register, inspect, control and remove VPS.",
        subcommands = {VpsCreate.class, VpsAdd.class, VpsList.class, VpsStatusCommand.class, VpsStop.class,
            VpsStart.class, VpsRestart.class, VpsPause.class, VpsResume.class, VpsRemove.class, VpsRename.class,
            VpsHostKey.class, VpsPolicyCommand.class, KeysCommand.class, VpsGrant.class, VpsRevoke.class,
            VpsAccess.class, VpsConnect.class})
public final class VpsCommand {
}

package dev.ferry.cli.vps;

import picocli.CommandLine.Command;

/** {@code ferry vps pause REF}. */
@Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a VPS on its runner.")
public final class VpsPause extends VpsActionCommand {
    @Override
    String action() {
        return "pause";
    }

    @Override
    String reaches() {
        return "paused";
    }
}

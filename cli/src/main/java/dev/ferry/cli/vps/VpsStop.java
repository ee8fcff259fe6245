package dev.ferry.cli.vps;

import picocli.CommandLine.Command;

/** {@code ferry vps stop REF}. */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a VPS on its runner.")
public final class VpsStop extends VpsActionCommand {
    @Override
    String action() {
        return "stop";
    }

    @Override
    String reaches() {
        return "stopped";
    }
}

package dev.ferry.cli.vps;

import picocli.CommandLine.Command;

/** {@code ferry vps restart REF}. */
@Command(name = "restart", mixinStandardHelpOptions = true, description = "Restart a VPS on its runner.")
public class VpsRestart extends VpsActionCommand {
    @Override
    String action() {
        return "restart";
    }

    @Override
    String reaches() {
        return "running";
    }
}

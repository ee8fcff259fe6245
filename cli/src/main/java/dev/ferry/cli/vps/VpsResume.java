package dev.ferry.cli.vps;

import picocli.CommandLine.Command;

/** {@code ferry vps resume REF}. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a VPS on its runner.")
public final class VpsResume extends VpsActionCommand {
    @Override
    String action() {
        return "resume";
    }

    @Override
    String reaches() {
        return "running";
    }
}

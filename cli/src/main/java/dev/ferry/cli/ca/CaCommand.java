package dev.ferry.cli.ca;

import picocli.CommandLine.Command;

/** {@code ferry ca}: the Host's certificate authorities. */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "Show the Host's certificate authorities.",
        subcommands = {CaUserKey.class, CaClientKey.class})
public final class CaCommand {
}

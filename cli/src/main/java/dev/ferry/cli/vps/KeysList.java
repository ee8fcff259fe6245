package dev.ferry.cli.vps;

import dev.ferry.cli.keys.KeysListCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps keys list REF}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the SSH keys of a VPS.")
public final class KeysList extends KeysListCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Override
    protected String keysPath() {
        return "/api/v1/vps/" + segment(ref) + "/keys";
    }
}

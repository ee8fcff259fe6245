package dev.ferry.cli.vps;

import dev.ferry.cli.keys.KeysRemoveCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps keys remove REF SHA256:...}. */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove one SSH key from a VPS (not its last one).")
public final class KeysRemove extends KeysRemoveCommand {
    @Parameters(index = "0", paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Override
    protected String keysPath() {
        return "/api/v1/vps/" + segment(ref) + "/keys";
    }
}

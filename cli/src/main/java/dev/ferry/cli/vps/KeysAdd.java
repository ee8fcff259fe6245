package dev.ferry.cli.vps;

import dev.ferry.cli.keys.KeysAddCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps keys add REF (--ssh-key FILE | --ssh-key-string S)...}. */
@Command(name = "add", mixinStandardHelpOptions = true, description = "Add SSH public keys to a VPS.")
public final class KeysAdd extends KeysAddCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Override
    protected String keysPath() {
        return "/api/v1/vps/" + segment(ref) + "/keys";
    }
}

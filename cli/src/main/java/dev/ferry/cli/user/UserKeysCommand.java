package dev.ferry.cli.user;

import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.keys.KeysAddCommand;
import dev.ferry.cli.keys.KeysListCommand;
import dev.ferry.cli.keys.KeysRemoveCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry user keys}: the SSH keys of one person. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "List, add and remove a person's SSH keys.",
        subcommands = {UserKeysCommand.List.class, UserKeysCommand.Add.class, UserKeysCommand.Remove.class})
public final class UserKeysCommand {
    private static String path(String name) {
        return "/api/v1/users/" + ClientCommand.segment(name) + "/keys";
    }

    /** {@code ferry user keys list NAME}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a person's SSH keys.")
    public static final class List extends KeysListCommand {
        @Parameters(paramLabel = "NAME", description = "The person's name.")
        String name;

        @Override
        protected String keysPath() {
            return path(name);
        }
    }

    /** {@code ferry user keys add NAME (--ssh-key FILE | --ssh-key-string S)...}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add SSH public keys to a person.")
    public static final class Add extends KeysAddCommand {
        @Parameters(paramLabel = "NAME", description = "The person's name.")
        String name;

        @Override
        protected String keysPath() {
            return path(name);
        }
    }

    /** {@code ferry user keys remove NAME SHA256:...}. */
    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove one SSH key from a person.")
    public static final class Remove extends KeysRemoveCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The person's name.")
        String name;

        @Override
        protected String keysPath() {
            return path(name);
        }
    }
}

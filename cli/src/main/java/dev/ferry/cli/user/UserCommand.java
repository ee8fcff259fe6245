package dev.ferry.cli.user;

import picocli.CommandLine.Command;

/** {@code ferry user}: people, their roles and keys. */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "People: add, list, show, disable, enable, remove; their SSH keys.",
        subcommands = {UserAdd.class, UserList.class, UserShow.class, UserDisable.class, UserEnable.class,
                UserRemove.class, UserKeysCommand.class, UserToken.class})
public final class UserCommand {
}

package dev.ferry.cli.sessions;

import picocli.CommandLine.Command;

/** {@code ferry sessions}: who is connected now, and ending a session. */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "Live sessions on every Host: list, show, kill.",
        subcommands = {SessionsList.class, SessionsShow.class, SessionsKill.class})
public final class SessionsCommand {
}

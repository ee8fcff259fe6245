package dev.ferry.cli.sessions;

import picocli.CommandLine.Command;

/** {@code ferry sessions}: who is connected now, ending a session, and what sessions did. */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "Sessions: the live ones of every Host (list, show, watch, kill) and the recorded ones (play, "
                + "export, verify).",
        subcommands = {SessionsList.class, SessionsShow.class, SessionsKill.class, SessionsPlay.class,
                SessionsExport.class, SessionsVerify.class, SessionsWatch.class})
public final class SessionsCommand {
}

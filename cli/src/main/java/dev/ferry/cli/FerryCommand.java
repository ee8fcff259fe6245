package dev.ferry.cli;

import dev.ferry.cli.ca.CaCommand;
import dev.ferry.cli.ca.KnownHostsCommand;
import dev.ferry.cli.login.LoginCommand;
import dev.ferry.cli.login.LogoutCommand;
import dev.ferry.cli.login.TokenCommand;
import dev.ferry.cli.login.WhoamiCommand;
import dev.ferry.cli.node.NodeCommand;
import dev.ferry.cli.sessions.SessionsCommand;
import dev.ferry.cli.ssh.SshConfigCommand;
import dev.ferry.cli.user.UserCommand;
import dev.ferry.cli.vps.VpsCommand;
import picocli.CommandLine.Command;

/** {@code ferry}: the top-level command. */
@Command(name = "ferry", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "SSH jump server for container VPS fleets.",
        subcommands = {HostCommand.class, RunnerCommand.class, UpCommand.class, DownCommand.class,
                StatusCommand.class, VpsCommand.class, UserCommand.class, NodeCommand.class, SessionsCommand.class,
                LoginCommand.class, LogoutCommand.class, WhoamiCommand.class, TokenCommand.class, CaCommand.class,
                KnownHostsCommand.class, SshConfigCommand.class, CompletionCommand.class},
        // the launcher runs the tests itself (they are Maven's, from a checkout): listed here so that they are found
        footer = {"", "From a checkout, the launcher also runs Ferry's tests:",
            "  test         Every test, about 13 minutes (--quick: about 8;",
            "                 --help says more)."})
public final class FerryCommand {
    private final Env env;

    public FerryCommand(Env env) {
        this.env = env;
    }

    public Env env() {
        return env;
    }
}

package dev.ferry.cli.login;

import dev.ferry.cli.Env;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCommand;
import dev.ferry.cli.client.LoginFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ferry logout}: forgets the login (the token itself stays valid until revoked or ended). */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Forget your login on this machine (revoke the token too: ferry token revoke ID).")
public final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Env env = ((FerryCommand) spec.root().userObject()).env();
        try {
            boolean was = Files.deleteIfExists(LoginFile.of(env));
            spec.commandLine().getOut().println(was ? "logged out: " + LoginFile.of(env) + " removed"
                    : "not logged in");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ExitCodes.OK;
    }
}

package dev.ferry.cli.login;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.Env;
import dev.ferry.cli.ExitCodes;
import dev.ferry.cli.FerryCommand;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.HostTarget;
import dev.ferry.cli.client.LoginFile;
import dev.ferry.cli.config.ConfigFile;
import dev.ferry.cli.config.TokenFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry login --host URL}: keeps a person's token for that Host in {@code ~/.ferry/login.toml}, after the
 * Host said whose it is; every command then acts as that person there.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Sign in to a Host with your own API token: commands then act as you there.",
                "The token comes from --token-file, else standard input (asked for on a terminal);",
                "with --sso, from the Host's single sign-on (a URL and a code to open in any browser)."})
public final class LoginCommand implements Callable<Integer> {
    @Option(names = "--host", required = true, paramLabel = "URL", description = "The Host's control API URL.")
    String host;

    @Option(names = "--host-fingerprint", paramLabel = "sha256:...",
            description = "The Host's TLS key, required for an https:// Host ('ferry host' prints it at start).")
    String hostFingerprint;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding your token, readable by you "
            + "only (ferry token create, or an admin's ferry user token, gave it).")
    Path tokenFile;

    @Option(names = "--sso", description = "Sign in with the Host's identity provider instead of a token: you get a "
            + "token for a few hours.")
    boolean sso;

    @Option(names = "--ssh", description = "With --sso: also an SSH certificate for a key made here "
            + "(~/.ferry/sso_ed25519), which lets you in where your grants do, with no key on record.")
    boolean ssh;

    @Option(names = "--config", paramLabel = "FILE", hidden = true)
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Env env = ((FerryCommand) spec.root().userObject()).env();
        if (ssh && !sso) {
            throw FerryException.invalid("--ssh goes with --sso: a certificate comes with a single sign-on");
        }
        if (sso) {
            if (tokenFile != null) {
                throw FerryException.invalid("--sso and --token-file are two ways in: give one");
            }
            new SsoLogin(env, HostTarget.resolve(new HostTarget.Flags(host, null, null, hostFingerprint), env,
                    ConfigFile.load(config, env)), spec.commandLine().getOut()).run(ssh);
            return ExitCodes.OK;
        }
        String token = tokenFile != null ? TokenFile.read(tokenFile, "--token-file") : readToken();
        HostTarget target = HostTarget.resolve(new HostTarget.Flags(host, token, null, hostFingerprint), env,
                ConfigFile.load(config, env));
        JsonNode me = new ApiClient(target).get("/api/v1/whoami");
        if (me.path("name").asText().equals("admin token")) {
            throw FerryException.invalid("that is the Host's admin token, which is no person: log in with a person's "
                    + "own token (an admin makes one with: ferry user token NAME --name NAME)");
        }
        LoginFile.write(env, target.url(), target.pin() == null ? null : target.pin().toString(), token);
        spec.commandLine().getOut().println("logged in to " + target.url() + " as " + me.path("name").asText() + " ("
                + me.path("role").asText() + "); kept in " + LoginFile.of(env));
        return ExitCodes.OK;
    }

    private static String readToken() {
        if (System.console() != null) {
            char[] typed = System.console().readPassword("token: ");
            return typed == null ? "" : new String(typed).strip();
        }
        try {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isBlank()) {
                throw FerryException.invalid("no token on standard input: give --token-file FILE, or pipe the token");
            }
            return line.strip();
        } catch (IOException e) {
            throw FerryException.invalid("cannot read the token from standard input: " + e.getMessage());
        }
    }
}

package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.HostTarget;
import dev.ferry.cli.config.ConfigFile;
import dev.ferry.cli.ssh.BastionAddress;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the commands that call the control API: finds the Host, prints text or JSON. */
public abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    protected ClientOptions options;

    @Spec
    protected CommandSpec spec;

    /** Runs the command against the API. */
    protected abstract void run(ApiClient api);

    /** Runs the command and returns its exit code; commands that run a program return that program's code. */
    protected int runForExit(ApiClient api) {
        run(api);
        return ExitCodes.OK;
    }

    private HostTarget target;
    private ConfigFile config;
    private ApiClient api;

    @Override
    public final Integer call() {
        Env env = env();
        config = ConfigFile.load(options.config, env);
        target = HostTarget.resolve(new HostTarget.Flags(options.host, options.token, options.tokenFile,
                options.hostFingerprint), env, config);
        api = new ApiClient(target);
        int code = runForExit(api);
        out().flush();
        return code;
    }

    /** The URL of the Host this command talks to. */
    protected String hostUrl() {
        return target.url();
    }

    /** Where users reach the bastion's SSH port, for printed ssh lines and config blocks. */
    protected BastionAddress bastion() {
        return BastionAddress.resolve(env(), config, target.url(),
                () -> api.get("/api/v1/bastion").path("ssh_port").asInt(HostSettings.SSH_PORT.fallback()));
    }

    protected Env env() {
        return ((FerryCommand) spec.root().userObject()).env();
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Standard error: progress and notes, never the answer. */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * Whether the command runs on a user's terminal (standard input and output both are one): only then does it
     * show progress. Piped, captured or in a script, it prints its answer and nothing else.
     */
    protected boolean onTerminal() {
        return System.console() != null && !json();
    }

    protected boolean json() {
        return options.json;
    }

    protected void printJson(JsonNode node) {
        out().println(node.toPrettyString());
    }

    protected void printJson(Object value) {
        out().println(new String(Json.write(value), StandardCharsets.UTF_8));
    }

    /** One URL path segment, percent-encoded (a fingerprint holds '/' and '+'). */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

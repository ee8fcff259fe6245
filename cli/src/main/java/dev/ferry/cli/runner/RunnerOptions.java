package dev.ferry.cli.runner;

import dev.ferry.agent.docker.PortRange;
import dev.ferry.agent.RunnerConfig;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.cli.Env;
import dev.ferry.cli.config.ConfigFile;
import dev.ferry.cli.config.TokenFile;
import dev.ferry.keys.tls.TlsPin;
import static dev.ferry.cli.config.Settings.first;
import static dev.ferry.cli.config.Settings.firstOf;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of {@code ferry runner}, over config.toml {@code [runner]}, over defaults. */
public final class RunnerOptions {
    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

    @Option(names = "--host", paramLabel = "URL", description = "The Host's control API (default: [runner] host, "
            + "else http://127.0.0.1:8000).")
    String host;

    @Option(names = "--token", paramLabel = "TOKEN", description = "A join token, used once to enroll: the Host's "
            + "runner.token or one from 'ferry node token'. A token on the command line shows in the process list: "
            + "prefer --token-file.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding a join token, readable by its "
            + "owner only (default: [runner] token_file or token, else the local data directory's runner.token).")
    Path tokenFile;

    @Option(names = "--host-fingerprint", paramLabel = "sha256:...", description = "The Host's TLS key, required for an "
            + "https:// Host (default: [runner] host_fingerprint): 'ferry host' prints it at start.")
    String hostFingerprint;

    @Option(names = "--credential-file", paramLabel = "FILE", description = "Where the runner keeps the credential it "
            + "receives when it enrolls (default: [runner] credential_file, else $FERRY_HOME/runner/NAME.credential).")
    Path credentialFile;

    @Option(names = "--port-range", paramLabel = "LOW-HIGH", description = "Host ports VPS sshds are published on, "
            + "fixed at enrollment (default: [runner] port_range, else this machine's ephemeral range, as Docker "
            + "picks them).")
    String portRange;

    @Option(names = "--name", paramLabel = "NAME", description = "This runner's name (default: [runner] name, else "
            + "this machine's host name).")
    String name;

    @Option(names = "--advertise", paramLabel = "ADDR", description = "Address the bastion dials for this runner's "
            + "VPS; their SSH ports are published on it only (default: [runner] advertise, else 127.0.0.1 when the Host is on "
            + "this machine's loopback; required otherwise).")
    String advertise;

    @Option(names = "--docker-host", paramLabel = "URI", description = "Docker engine (default: [runner] docker_host, "
            + "else " + DEFAULT_DOCKER_HOST + ").")
    String dockerHost;

    @Mixin
    ContainerOptions containers;

    /** The runner configuration these options describe. */
    public RunnerConfig config(Env env, ConfigFile file) {
        ConfigFile.RunnerSection r = file.runner();
        String url = first(host, r.host(), file.localApiUrl());
        String runnerName = first(name, r.name(), machineName());
        Path credential = credentialFile != null ? credentialFile : r.credentialFile() != null
                ? Path.of(r.credentialFile()) : env.ferryHome().resolve("runner").resolve(runnerName + ".credential");
        String tok = firstOf(() -> token, () -> TokenFile.read(tokenFile, "--token-file"), r::token,
                () -> TokenFile.read(r.tokenFile(), "[runner] token_file"),
                () -> file.localTokenFor(url, env, DataDir.RUNNER_TOKEN));
        if (tok == null && !Files.exists(credential)) {
            throw FerryException.invalid("runner " + runnerName + " has no credential yet (" + credential + ") and no "
                    + "join token to enroll with: pass --token-file with the Host's runner.token or a one-time token "
                    + "from 'ferry node token' (on the Host), or set [runner] token_file in config.toml");
        }
        String pin = first(hostFingerprint, r.hostFingerprint());
        URI hostUrl = URI.create(url);
        String address = first(advertise, r.advertise(), null);
        if (address == null) {
            if (!isLoopback(hostUrl)) {
                // 127.0.0.1 would make the bastion dial its own machine for this runner's VPS
                throw FerryException.invalid("a runner on another machine than the Host (" + url + ") must say "
                        + "where the bastion reaches its VPS: pass --advertise with this machine's address as the "
                        + "Host sees it, or set [runner] advertise in config.toml");
            }
            address = "127.0.0.1";
        }
        String ports = first(portRange, r.portRange());
        try {
            return new RunnerConfig(hostUrl, tok, runnerName, address,
                    first(dockerHost, r.dockerHost(), DEFAULT_DOCKER_HOST), Duration.ofSeconds(5), credential,
                    ports == null ? null : PortRange.parse(ports), containers.policy(r.containers()),
                    pin == null ? null : TlsPin.parse(pin));
        } catch (IllegalArgumentException e) {
            throw FerryException.invalid(e.getMessage());
        }
    }

    /** Whether the Host URL names this machine's loopback (where 127.0.0.1 is the right default). */
    private static boolean isLoopback(URI url) {
        String h = url.getHost();
        if (h == null) {
            return false;
        }
        try {
            return h.equalsIgnoreCase("localhost") || InetAddress.getByName(h).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static String machineName() {
        try {
            String n = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
            return n.matches("[a-z].*") ? n.substring(0, Math.min(63, n.length())) : "runner-" + n;
        } catch (IOException e) {
            return "runner";
        }
    }
}

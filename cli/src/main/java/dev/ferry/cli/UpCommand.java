package dev.ferry.cli;

import dev.ferry.agent.RunnerAgent;
import dev.ferry.agent.RunnerConfig;
import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.cli.runner.RunnerOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ferry up}: the Host and a runner on this machine, in one process, with the embedded registry. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Run the Host and a runner on this machine in one process (the quick start).")
public final class UpCommand implements Callable<Integer> {
    @ParentCommand
    private FerryCommand parent;

    @Mixin
    private HostOptions hostOptions;

    @Option(names = "--runner-name", paramLabel = "NAME", defaultValue = "local",
            description = "Name of this machine's runner (default: ${DEFAULT-VALUE}).")
    private String runnerName;

    @Option(names = "--docker-host", paramLabel = "URI", defaultValue = RunnerOptions.DEFAULT_DOCKER_HOST,
            description = "Docker engine (default: ${DEFAULT-VALUE}).")
    private String dockerHost;

    @Override
    public Integer call() throws Exception {
        requireDocker(dockerHost);
        HostConfig config = hostOptions.config(parent.env());
        Host host = HostCommand.start(config);
        RunnerAgent runner;
        try {
            String token = DataDir.prepare(config.dataDir()).runnerToken();
            // the runner publishes VPS ports on loopback only: the bastion on this machine is the way in
            runner = RunnerAgent.start(new RunnerConfig(URI.create(host.apiUrl()), token, runnerName, "127.0.0.1",
                    dockerHost, Duration.ofSeconds(5), config.dataDir().resolve("runner").resolve(runnerName
                    + ".credential"), null, ContainerPolicy.DEFAULTS,
                    host.apiUrl().startsWith("https:") ? host.apiFingerprint() : null));
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
        LoggerFactory.getLogger(UpCommand.class).info("ferry up: host and runner '{}' started; next: {} vps create "
                + "--image IMAGE --gen-ssh-key --wait", runnerName, parent.env().launcher());
        HostProcessFile.write(config.dataDir());
        Foreground.runUntilSignal(() -> {
            runner.close();
            host.close();
            HostProcessFile.delete(config.dataDir());
        });
        return ExitCodes.OK;
    }

    /** Says what is missing before anything starts, rather than a runner retrying forever. */
    static void requireDocker(String dockerHost) {
        if (dockerHost.startsWith("unix://")) {
            Path socket = Path.of(dockerHost.substring("unix://".length()));
            if (!Files.exists(socket)) {
                throw new FerryException(FerryException.Kind.UNAVAILABLE, "Docker is not running on this machine ("
                        + socket + " does not exist): install it (apt-get install docker.io) and start it "
                        + "(systemctl start docker, or dockerd &), then run ferry up again; or start only the Host "
                        + "with: ferry host");
            }
        }
    }
}

package dev.ferry.cli;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostLogging;
import dev.ferry.cli.config.ConfigFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ferry host}: runs the Host in the foreground until SIGTERM or SIGINT. */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = "Run the Ferry host (bastion SSH server, registry, control API) in the foreground.")
public final class HostCommand implements Callable<Integer> {
    @ParentCommand
    private FerryCommand parent;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (default: [host] data_dir, $FERRY_HOME, else ~/.ferry).")
    private Path dataDir;

    @Option(names = "--ssh-port", paramLabel = "PORT", description = "Bastion SSH port (default: 2222).")
    private Integer sshPort;

    @Option(names = "--api-port", paramLabel = "PORT", description = "Control API port (default: 8000).")
    private Integer apiPort;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address of the SSH port (default: 0.0.0.0).")
    private String bind;

    @Option(names = "--api-bind", paramLabel = "ADDR",
            description = "Address of the control API (default: 127.0.0.1).")
    private String apiBind;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: $FERRY_HOME/config.toml or ~/.ferry/config.toml).")
    private Path configFile;

    @Override
    public Integer call() throws Exception {
        HostConfig config = config();
        DataDir dir = DataDir.prepare(config.dataDir());
        HostLogging.init(dir.logs());
        Host host;
        try {
            host = Host.start(config);
        } catch (IOException | IllegalStateException e) {
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "cannot start the host: " + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            host.close();
            HostLogging.shutdown();
            stopped.countDown();
        }, "ferry-shutdown"));
        stopped.await();
        return ExitCodes.OK;
    }

    /** Flags over the config file over defaults. */
    HostConfig config() {
        Env env = parent.env();
        ConfigFile file = configFile != null
                ? ConfigFile.read(configFile, true)
                : ConfigFile.read(env.defaultConfigFile(), false);
        ConfigFile.HostSection h = file.host();
        Path dir = dataDir != null ? dataDir : h.dataDir() != null ? Path.of(h.dataDir()) : env.ferryHome();
        return new HostConfig(dir,
                pick(bind, h.bind(), HostConfig.DEFAULT_BIND),
                pick(sshPort, h.sshPort(), HostConfig.DEFAULT_SSH_PORT),
                pick(apiBind, h.apiBind(), HostConfig.DEFAULT_API_BIND),
                pick(apiPort, h.apiPort(), HostConfig.DEFAULT_API_PORT),
                pick(null, h.instanceId(), HostConfig.DEFAULT_INSTANCE_ID),
                Duration.ofSeconds(pick(null, h.connectTimeoutSeconds(), HostConfig.DEFAULT_CONNECT_TIMEOUT_SECONDS)),
                Duration.ofSeconds(pick(null, h.keepaliveIntervalSeconds(),
                        HostConfig.DEFAULT_KEEPALIVE_INTERVAL_SECONDS)),
                pick(null, h.keepaliveMaxMissed(), HostConfig.DEFAULT_KEEPALIVE_MAX_MISSED));
    }

    private static <T> T pick(T flag, T file, T fallback) {
        return flag != null ? flag : file != null ? file : fallback;
    }
}

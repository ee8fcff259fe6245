package dev.ferry.cli;

import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.registry.RegistryLocation;
import dev.ferry.bastion.ssh.FrontDoor;
import dev.ferry.bastion.ssh.Startups;
import dev.ferry.cli.config.ConfigFile;
import static dev.ferry.cli.config.Settings.pick;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The options of {@code ferry host} (and {@code ferry up}), merged over config.toml over defaults. */
public final class HostOptions {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory (default: [host] data_dir, $FERRY_HOME, else ~/.ferry).")
    Path dataDir;

    @Option(names = "--ssh-port", paramLabel = "PORT", description = "Bastion SSH port (default: 2222).")
    Integer sshPort;

    @Option(names = "--api-port", paramLabel = "PORT", description = "Control API port (default: 8000).")
    Integer apiPort;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address of the SSH port (default: 0.0.0.0).")
    String bind;

    @Option(names = "--api-bind", paramLabel = "ADDR",
            description = "Address of the control API (default: 127.0.0.1).")
    String apiBind;

    @Option(names = "--api-tls", description = "Speak TLS on the control API even on a loopback address (default: "
            + "[host] api_tls; beyond loopback it always does).")
    boolean apiTls;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: $FERRY_HOME/config.toml or ~/.ferry/config.toml).")
    Path configFile;

    /** The config file these options name, or the default one. */
    ConfigFile file(Env env) {
        return ConfigFile.load(configFile, env);
    }

    /** Flags over the config file over defaults. */
    HostConfig config(Env env) {
        ConfigFile.HostSection h = file(env).host();
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
                pick(null, h.keepaliveMaxMissed(), HostConfig.DEFAULT_KEEPALIVE_MAX_MISSED),
                apiTls || Boolean.TRUE.equals(h.apiTls()),
                new FrontDoor(Duration.ofSeconds(pick(null, h.loginGraceTimeSeconds(),
                        FrontDoor.DEFAULTS.loginGraceTime().toSeconds())), h.penaltyExempt(),
                        pick(null, h.maxSessionsPerKey(), FrontDoor.DEFAULTS.maxSessionsPerKey()),
                        pick(null, h.maxSessions(), FrontDoor.DEFAULTS.maxSessions()),
                        h.maxStartupsPerSource() == null ? FrontDoor.DEFAULTS.startupsPerSource()
                                : Startups.parse("max_startups_per_source", h.maxStartupsPerSource()),
                        h.maxStartups() == null ? FrontDoor.DEFAULTS.startups()
                                : Startups.parse("max_startups", h.maxStartups()), h.proxyProtocolFrom()),
                h.hostCertPrincipals(), registry(h, env),
                Duration.ofSeconds(pick(null, h.bannerTimeoutSeconds(), HostConfig.DEFAULT_BANNER_TIMEOUT_SECONDS)));
    }

    /**
     * {@code registry_url} with its password from {@code registry_password_file} or FERRY_REGISTRY_PASSWORD, and
     * {@code registry_key_file}.
     */
    private static RegistryLocation registry(ConfigFile.HostSection h, Env env) {
        String url = h.registryUrl() == null || h.registryUrl().isBlank() ? null : h.registryUrl().strip();
        return new RegistryLocation(url, path(h.registryPasswordFile()),
                url == null ? null : env.get("FERRY_REGISTRY_PASSWORD"), path(h.registryKeyFile()));
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s.strip());
    }
}

package dev.ferry.bastion.host;

import dev.ferry.bastion.ssh.FrontDoor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import dev.ferry.bastion.registry.RegistryLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of {@code ferry host}, validated once. Messages name the configuration key, as it is
 * spelled in {@code config.toml}.
 *
 * @param dataDir    {@code data_dir}: registry, host keys, tokens and logs; default {@code ~/.ferry}
 *                   or {@code $FERRY_HOME}
 * @param bind       {@code bind}: address the SSH port listens on; default {@code 0.0.0.0}
 * @param sshPort    {@code ssh_port}: the bastion's SSH port; default 2222 (0 picks a free port)
 * @param apiBind    {@code api_bind}: address the control API listens on; default {@code 127.0.0.1},
 *                   because the API is plain HTTP carrying a bearer token
 * @param apiPort    {@code api_port}: the control API's port; default 8000 (0 picks a free port)
 * @param instanceId {@code instance_id}: this Host's part of VPS ids (0..1023); default 1
 * @param connectTimeout {@code connect_timeout_seconds}: how long the bastion waits for a VPS's sshd to
 *                   accept a connection before telling the user (1..300); default 10
 * @param keepaliveInterval {@code keepalive_interval_seconds}: how often the bastion asks a quiet client
 *                   whether it is still there, like sshd's ClientAliveInterval (0: never); default 15
 * @param keepaliveMaxMissed {@code keepalive_max_missed}: unanswered keepalives before the session is
 *                   closed, like ClientAliveCountMax (1..100); default 3
 * @param apiTls     {@code api_tls}: the control API speaks TLS (with the key in {@code tls/} of the data
 *                   directory) even on a loopback address; beyond loopback it always does. Default false
 * @param frontDoor  login grace time, penalty exemptions and session caps ({@link FrontDoor}, whose keys sit in
 *                   {@code [host]} too)
 * @param hostCertPrincipals {@code host_cert_principals}: the names and addresses clients reach the bastion by,
 *                   which its host certificate names ({@code ["bastion.example", "203.0.113.7"]}); null for
 *                   the defaults of {@link HostCertPrincipals}
 * @param registry   {@code registry_url} and {@code registry_password_file}: where the registry is (the embedded H2
 *                   file in the data directory by default, or a PostgreSQL database several Hosts share)
 * @param bannerTimeout {@code banner_timeout_seconds}: how long a VPS's sshd that accepted a connection gets to send
 *                   its SSH banner before the bastion gives up on it (1..300); default 30. Longer than the connect
 *                   timeout: accepting is the kernel's work, greeting is a fork (and re-exec) of a busy sshd
 */
public record HostConfig(Path dataDir, String bind, int sshPort, String apiBind, int apiPort, int instanceId,
                         Duration connectTimeout, Duration keepaliveInterval, int keepaliveMaxMissed,
                         boolean apiTls, FrontDoor frontDoor, List<String> hostCertPrincipals,
                         RegistryLocation registry, Duration bannerTimeout) {
    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final String DEFAULT_API_BIND = "127.0.0.1";
    public static final int DEFAULT_SSH_PORT = 2222;
    public static final int DEFAULT_API_PORT = 8000;
    public static final int DEFAULT_INSTANCE_ID = 1;
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    public static final int DEFAULT_BANNER_TIMEOUT_SECONDS = 30;
    public static final int DEFAULT_KEEPALIVE_INTERVAL_SECONDS = 15;
    public static final int DEFAULT_KEEPALIVE_MAX_MISSED = 3;

    public HostConfig {
        Objects.requireNonNull(dataDir, "data_dir");
        Objects.requireNonNull(connectTimeout, "connect_timeout_seconds");
        Objects.requireNonNull(keepaliveInterval, "keepalive_interval_seconds");
        requireAddress("bind", bind);
        requireAddress("api_bind", apiBind);
        requireRange("ssh_port", sshPort);
        requireRange("api_port", apiPort);
        requireRange("instance_id", instanceId);
        requireRange("connect_timeout_seconds", connectTimeout.toSeconds());
        requireRange("keepalive_interval_seconds", keepaliveInterval.toSeconds());
        requireRange("keepalive_max_missed", keepaliveMaxMissed);
        if (sshPort != 0 && sshPort == apiPort) {
            throw new IllegalArgumentException("ssh_port and api_port must differ, both are " + sshPort);
        }
        frontDoor = frontDoor == null ? FrontDoor.DEFAULTS : frontDoor;
        hostCertPrincipals = hostCertPrincipals == null ? null : HostCertPrincipals.check(hostCertPrincipals);
        registry = registry == null ? RegistryLocation.EMBEDDED : registry;
        bannerTimeout = bannerTimeout == null ? Duration.ofSeconds(DEFAULT_BANNER_TIMEOUT_SECONDS) : bannerTimeout;
        requireRange("banner_timeout_seconds", bannerTimeout.toSeconds());
    }

    /** Settings with the default host certificate principals. */
    public HostConfig(Path dataDir, String bind, int sshPort, String apiBind, int apiPort, int instanceId,
                      Duration connectTimeout, Duration keepaliveInterval, int keepaliveMaxMissed, boolean apiTls,
                      FrontDoor frontDoor) {
        this(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout, keepaliveInterval,
                keepaliveMaxMissed, apiTls, frontDoor, null, null, null);
    }

    /** The principals of the bastion's host certificate: as configured, else the defaults for {@code bind}. */
    public List<String> certPrincipals() {
        return hostCertPrincipals != null ? hostCertPrincipals : HostCertPrincipals.defaults(bind);
    }

    /** This configuration with these host certificate principals (null: the defaults). */
    public HostConfig withHostCertPrincipals(List<String> principals) {
        return new HostConfig(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout,
                keepaliveInterval, keepaliveMaxMissed, apiTls, frontDoor, principals, registry, bannerTimeout);
    }

    /** This configuration giving a VPS's sshd this long to greet. */
    public HostConfig withBannerTimeout(Duration timeout) {
        return new HostConfig(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout,
                keepaliveInterval, keepaliveMaxMissed, apiTls, frontDoor, hostCertPrincipals, registry, timeout);
    }

    /** This configuration with its registry elsewhere. */
    public HostConfig withRegistry(RegistryLocation registry) {
        return new HostConfig(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout,
                keepaliveInterval, keepaliveMaxMissed, apiTls, frontDoor, hostCertPrincipals, registry,
                bannerTimeout);
    }

    /** Settings with the front door's defaults. */
    public HostConfig(Path dataDir, String bind, int sshPort, String apiBind, int apiPort, int instanceId,
                      Duration connectTimeout, Duration keepaliveInterval, int keepaliveMaxMissed, boolean apiTls) {
        this(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout, keepaliveInterval,
                keepaliveMaxMissed, apiTls, FrontDoor.DEFAULTS);
    }

    /** Settings without {@code api_tls} (TLS beyond loopback only). */
    public HostConfig(Path dataDir, String bind, int sshPort, String apiBind, int apiPort, int instanceId,
                      Duration connectTimeout, Duration keepaliveInterval, int keepaliveMaxMissed) {
        this(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout, keepaliveInterval,
                keepaliveMaxMissed, false);
    }

    /**
     * Whether the control API speaks TLS: always beyond loopback, where the bearer token must not cross a
     * network in the clear, and on loopback when {@code api_tls} says so. A name is resolved to decide.
     */
    public boolean apiSpeaksTls() {
        return speaksTls(apiBind, apiTls);
    }

    /** {@link #apiSpeaksTls()} for an {@code api_bind} and {@code api_tls}, as clients of a local Host ask it. */
    public static boolean speaksTls(String apiBind, boolean apiTls) {
        if (apiTls) {
            return true;
        }
        try {
            return !InetAddress.getByName(apiBind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            // the API cannot bind it either; that failure names the address
            return true;
        }
    }

    /** This configuration with the control API on TLS even on loopback (or not). */
    public HostConfig withApiTls(boolean apiTls) {
        return new HostConfig(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout,
                keepaliveInterval, keepaliveMaxMissed, apiTls, frontDoor, hostCertPrincipals, registry,
                bannerTimeout);
    }

    /** This configuration behind these load balancers (PROXY protocol headers taken from them). */
    public HostConfig withProxyProtocolFrom(List<String> balancers) {
        return new HostConfig(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout,
                keepaliveInterval, keepaliveMaxMissed, apiTls, frontDoor.withProxyProtocolFrom(balancers),
                hostCertPrincipals, registry, bannerTimeout);
    }

    /** This configuration with these sources never penalised. */
    public HostConfig withPenaltyExempt(List<String> networks) {
        return new HostConfig(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout,
                keepaliveInterval, keepaliveMaxMissed, apiTls, frontDoor.withPenaltyExempt(networks),
                hostCertPrincipals, registry, bannerTimeout);
    }

    /** The defaults for a data directory. */
    public static HostConfig defaults(Path dataDir) {
        return new HostConfig(dataDir, DEFAULT_BIND, DEFAULT_SSH_PORT, DEFAULT_API_BIND, DEFAULT_API_PORT,
                DEFAULT_INSTANCE_ID, Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_SECONDS),
                Duration.ofSeconds(DEFAULT_KEEPALIVE_INTERVAL_SECONDS), DEFAULT_KEEPALIVE_MAX_MISSED);
    }

    /** This configuration listening elsewhere. */
    public HostConfig withListeners(String bind, int sshPort, String apiBind, int apiPort) {
        return new HostConfig(dataDir, bind, sshPort, apiBind, apiPort, instanceId, connectTimeout,
                keepaliveInterval, keepaliveMaxMissed, apiTls, frontDoor, hostCertPrincipals, registry,
                bannerTimeout);
    }

    /** The bounds of each numeric setting, by its config key: checked here, and on config files as read. */
    private static final Map<String, long[]> RANGES = Map.of(
            "ssh_port", new long[] {0, 65535},
            "api_port", new long[] {0, 65535},
            "instance_id", new long[] {0, 1023},
            "connect_timeout_seconds", new long[] {1, 300},
            "banner_timeout_seconds", new long[] {1, 300},
            "keepalive_interval_seconds", new long[] {0, 3600},
            "keepalive_max_missed", new long[] {1, 100});

    /** @return why {@code value} is out of the bounds of setting {@code key}, or null when it is within them */
    public static String outOfRange(String key, long value) {
        long[] r = RANGES.get(key);
        return value < r[0] || value > r[1] ? "must be between " + r[0] + " and " + r[1] + ", got " + value : null;
    }

    private static void requireRange(String key, long value) {
        String why = outOfRange(key, value);
        if (why != null) {
            throw new IllegalArgumentException(key + " " + why);
        }
    }

    private static void requireAddress(String key, String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException(key + " must be an IP address or host name, got nothing");
        }
        if (!address.matches("[0-9A-Za-z.:%-]{1,255}")) {
            throw new IllegalArgumentException(key + " must be an IP address or host name, got '" + address + "'");
        }
    }
}

package dev.ferry.bastion.host;

import static dev.ferry.bastion.host.HostSettings.API_BIND;
import static dev.ferry.bastion.host.HostSettings.API_PORT;
import static dev.ferry.bastion.host.HostSettings.API_TLS;
import static dev.ferry.bastion.host.HostSettings.BANNER_TIMEOUT;
import static dev.ferry.bastion.host.HostSettings.BIND;
import static dev.ferry.bastion.host.HostSettings.CONNECT_TIMEOUT;
import static dev.ferry.bastion.host.HostSettings.HOST_CERT_PRINCIPALS;
import static dev.ferry.bastion.host.HostSettings.INSTANCE_ID;
import static dev.ferry.bastion.host.HostSettings.KEEPALIVE_INTERVAL;
import static dev.ferry.bastion.host.HostSettings.KEEPALIVE_MAX_MISSED;
import static dev.ferry.bastion.host.HostSettings.LOGIN_GRACE_TIME;
import static dev.ferry.bastion.host.HostSettings.MAX_SESSIONS;
import static dev.ferry.bastion.host.HostSettings.MAX_SESSIONS_PER_KEY;
import static dev.ferry.bastion.host.HostSettings.MAX_STARTUPS;
import static dev.ferry.bastion.host.HostSettings.MAX_STARTUPS_PER_SOURCE;
import static dev.ferry.bastion.host.HostSettings.PENALTY_EXEMPT;
import static dev.ferry.bastion.host.HostSettings.PROXY_PROTOCOL_FROM;
import static dev.ferry.bastion.host.HostSettings.RUNNER_SILENCE;
import static dev.ferry.bastion.host.HostSettings.SSH_PORT;

import dev.ferry.bastion.registry.RegistryLocation;
import dev.ferry.bastion.ssh.frontdoor.FrontDoor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The settings of {@code ferry host}: the values of {@link HostSettings}' settings (each checked as it is set;
 * the others take their defaults), the data directory and where the registry is. Immutable.
 */
public final class HostConfig {
    private final Path dataDir;
    private final Map<Setting<?>, Object> values;
    private final RegistryLocation registry;

    private HostConfig(Path dataDir, Map<Setting<?>, Object> values, RegistryLocation registry) {
        this.dataDir = Objects.requireNonNull(dataDir, "data_dir");
        this.values = Map.copyOf(values);
        this.registry = registry == null ? RegistryLocation.EMBEDDED : registry;
        int ssh = get(SSH_PORT);
        if (ssh != 0 && ssh == get(API_PORT)) {
            throw new IllegalArgumentException("ssh_port and api_port must differ, both are " + ssh);
        }
    }

    /** The defaults for a data directory. */
    public static HostConfig defaults(Path dataDir) {
        return new HostConfig(dataDir, Map.of(), null);
    }

    /** The value of {@code setting}: as set, else its default. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return values.containsKey(setting) ? (T) values.get(setting) : setting.fallback();
    }

    /** This configuration with {@code setting} at {@code value}, checked as the same value in config.toml. */
    public <T> HostConfig with(Setting<T> setting, T value) {
        Map<Setting<?>, Object> changed = new HashMap<>(values);
        changed.put(setting, setting.checked(value));
        return new HostConfig(dataDir, changed, registry);
    }

    /** This configuration listening elsewhere. */
    public HostConfig withListeners(String bind, int sshPort, String apiBind, int apiPort) {
        Map<Setting<?>, Object> changed = new HashMap<>(values);
        changed.put(BIND, BIND.checked(bind));
        changed.put(SSH_PORT, SSH_PORT.checked(sshPort));
        changed.put(API_BIND, API_BIND.checked(apiBind));
        changed.put(API_PORT, API_PORT.checked(apiPort));
        return new HostConfig(dataDir, changed, registry);
    }

    /** This configuration with its registry elsewhere. */
    public HostConfig withRegistry(RegistryLocation registry) {
        return new HostConfig(dataDir, values, registry);
    }

    /** {@code data_dir}: registry, host keys, tokens and logs. */
    public Path dataDir() {
        return dataDir;
    }

    /** {@code registry_url} and its files: the embedded H2 file in the data directory by default. */
    public RegistryLocation registry() {
        return registry;
    }

    public String bind() {
        return get(BIND);
    }

    public int sshPort() {
        return get(SSH_PORT);
    }

    public String apiBind() {
        return get(API_BIND);
    }

    public int apiPort() {
        return get(API_PORT);
    }

    public int instanceId() {
        return get(INSTANCE_ID);
    }

    public Duration connectTimeout() {
        return get(CONNECT_TIMEOUT);
    }

    public Duration bannerTimeout() {
        return get(BANNER_TIMEOUT);
    }

    public Duration keepaliveInterval() {
        return get(KEEPALIVE_INTERVAL);
    }

    public int keepaliveMaxMissed() {
        return get(KEEPALIVE_MAX_MISSED);
    }

    public boolean apiTls() {
        return get(API_TLS);
    }

    public Duration runnerSilence() {
        return get(RUNNER_SILENCE);
    }

    /** How the bastion treats connections before and around login. */
    public FrontDoor frontDoor() {
        return new FrontDoor(get(LOGIN_GRACE_TIME), get(PENALTY_EXEMPT), get(MAX_SESSIONS_PER_KEY), get(MAX_SESSIONS),
                get(MAX_STARTUPS_PER_SOURCE), get(MAX_STARTUPS), get(PROXY_PROTOCOL_FROM));
    }

    /** The principals of the bastion's host certificate: as configured, else the defaults for {@code bind}. */
    public List<String> certPrincipals() {
        List<String> configured = get(HOST_CERT_PRINCIPALS);
        return configured != null ? configured : HostCertPrincipals.defaults(bind());
    }

    /**
     * Whether the control API speaks TLS: always beyond loopback, where the bearer token must not cross a
     * network in the clear, and on loopback when {@code api_tls} says so. A name is resolved to decide.
     */
    public boolean apiSpeaksTls() {
        return speaksTls(apiBind(), apiTls());
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
}

package dev.ferry.bastion.host;

import java.nio.file.Path;
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
 */
public record HostConfig(Path dataDir, String bind, int sshPort, String apiBind, int apiPort, int instanceId) {
    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final String DEFAULT_API_BIND = "127.0.0.1";
    public static final int DEFAULT_SSH_PORT = 2222;
    public static final int DEFAULT_API_PORT = 8000;
    public static final int DEFAULT_INSTANCE_ID = 1;

    public HostConfig {
        Objects.requireNonNull(dataDir, "data_dir");
        requireAddress("bind", bind);
        requireAddress("api_bind", apiBind);
        requirePort("ssh_port", sshPort);
        requirePort("api_port", apiPort);
        if (instanceId < 0 || instanceId > 1023) {
            throw new IllegalArgumentException("instance_id must be between 0 and 1023, got " + instanceId);
        }
        if (sshPort != 0 && sshPort == apiPort) {
            throw new IllegalArgumentException("ssh_port and api_port must differ, both are " + sshPort);
        }
    }

    /** The defaults for a data directory. */
    public static HostConfig defaults(Path dataDir) {
        return new HostConfig(dataDir, DEFAULT_BIND, DEFAULT_SSH_PORT, DEFAULT_API_BIND, DEFAULT_API_PORT,
                DEFAULT_INSTANCE_ID);
    }

    private static void requirePort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + " must be between 0 and 65535, got " + port);
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

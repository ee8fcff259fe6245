package dev.ferry.cli.ssh;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.cli.Env;
import dev.ferry.cli.config.ConfigFile;
import java.net.URI;
import java.util.function.IntSupplier;

/**
 * Where users reach the bastion's SSH port, for the ssh lines and config blocks the CLI prints:
 * {@code FERRY_BASTION}, else {@code [client] bastion} in config.toml, else the local Host's own {@code [host]}
 * settings when the CLI talks to the local Host, else the API URL's host name with the default SSH port.
 */
public record BastionAddress(String host, int port) {
    public BastionAddress {
        if (host == null || host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '\'' || c == '"')) {
            throw FerryException.invalid("bad bastion host '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw FerryException.invalid("bad bastion port " + port + " (1-65535)");
        }
    }

    /**
     * Where users reach the bastion: {@code FERRY_BASTION}, else {@code [client] bastion}, else this machine's
     * own Host's {@code [host]} settings, else the API URL's host with the SSH port the Host says it listens on.
     *
     * @param sshPort asks the Host for its SSH port; called only in the last case
     */
    public static BastionAddress resolve(Env env, ConfigFile config, String apiUrl, IntSupplier sshPort) {
        String given = env.get("FERRY_BASTION");
        if (given != null) {
            return parse(given, "FERRY_BASTION");
        }
        if (config.client().bastion() != null) {
            return parse(config.client().bastion(), "[client] bastion");
        }
        if (config.isLocalApi(apiUrl)) {
            ConfigFile.HostSection h = config.host();
            String bind = h.getOrDefault(HostSettings.BIND);
            String address = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
            int port = h.getOrDefault(HostSettings.SSH_PORT);
            return new BastionAddress(address, port == 0 ? HostSettings.SSH_PORT.fallback() : port);
        }
        String host = URI.create(apiUrl).getHost();
        return new BastionAddress(host == null ? "127.0.0.1" : host.replaceAll("^\\[|]$", ""), sshPort.getAsInt());
    }

    /** {@code host}, {@code host:port} or {@code [v6]:port}; the port defaults to 2222. */
    static BastionAddress parse(String text, String where) {
        String s = text.strip();
        try {
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                String host = s.substring(1, close);
                String rest = s.substring(close + 1);
                return new BastionAddress(host, rest.isEmpty() ? HostSettings.SSH_PORT.fallback()
                        : Integer.parseInt(rest.substring(1)));
            }
            int colon = s.lastIndexOf(':');
            if (colon < 0 || s.indexOf(':') != colon) {
                return new BastionAddress(s, HostSettings.SSH_PORT.fallback());
            }
            return new BastionAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
        } catch (RuntimeException e) {
            throw FerryException.invalid(where + ": '" + text + "' is not a bastion address (HOST or HOST:PORT, "
                    + "e.g. bastion.example:2222)");
        }
    }

    /** {@code user@host:port}, as {@code -J} and {@code ProxyJump} take it. */
    public String jumpSpec(String user) {
        return user + "@" + Endpoint.hostPort(host, port);
    }

    @Override
    public String toString() {
        return Endpoint.hostPort(host, port);
    }
}

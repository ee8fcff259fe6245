package dev.ferry.agent;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.agent.docker.DockerRuntime;
import dev.ferry.agent.docker.PortRange;
import dev.ferry.agent.host.HttpHostLink;
import dev.ferry.keys.tls.TlsPin;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The configuration of a runner ({@code ferry runner}), checked once here: every error names the option.
 *
 * @param hostUrl    {@code --host}: the Host's control API, {@code http://} or {@code https://}
 * @param joinToken  {@code --token-file}: a join token (the Host's {@code runner.token}, or a one-time token from
 *                   {@code ferry node token}), used once to enroll when there is no credential yet; may be null;
 *                   prints as {@code <secret>}
 * @param name       {@code --name}: the runner's name, {@code [a-z][a-z0-9-]{0,62}}; VPS containers carry it
 * @param advertise  {@code --advertise}: the IP literal or host name the bastion dials to reach this runner's
 *                   VPS; their port 22 is published on this address only
 * @param dockerHost {@code --docker-host}: the Docker engine, {@code unix:///path} or {@code tcp://host:port};
 *                   null means {@value DockerRuntime#DEFAULT_DOCKER_HOST}
 * @param heartbeat  how often to heartbeat; null means {@link #DEFAULT_HEARTBEAT}. The Host's register answer
 *                   may ask for a shorter interval, never a longer one
 * @param credentialFile {@code --credential-file}: where this runner keeps the credential it received at enrollment
 *                   (0600); every call to the Host proves it
 * @param ports      {@code --port-range}: the host ports VPS sshds are published on; null means this machine's
 *                   ephemeral range, which Docker picks from
 * @param containers how VPS containers are confined (capabilities, pids and default limits, start-up step
 *                   time limit); null means {@link ContainerPolicy#DEFAULTS}
 * @param hostPin    {@code --host-fingerprint}: the Host's TLS key, required for an {@code https} Host URL (the
 *                   runner trusts that key and nothing else), refused for {@code http}
 */
public record RunnerConfig(URI hostUrl, String joinToken, String name, String advertise, String dockerHost,
                           Duration heartbeat, Path credentialFile, PortRange ports, ContainerPolicy containers,
                           TlsPin hostPin) {
    /** The protocol's heartbeat interval. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    public RunnerConfig {
        if (hostUrl == null) {
            throw new IllegalArgumentException("--host is required: the Host's URL, e.g. http://host:8022");
        }
        String scheme = hostUrl.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || hostUrl.getHost() == null) {
            throw new IllegalArgumentException("--host must be an http:// or https:// URL with a host, not " + hostUrl);
        }
        if (joinToken != null && (joinToken.isEmpty() || !joinToken.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("--token must be printable ASCII without spaces (check for a trailing newline)");
        }
        if (credentialFile == null) {
            throw new IllegalArgumentException("--credential-file is required: where the runner keeps its credential");
        }
        ports = ports == null ? PortRange.ephemeral() : ports;
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("--name must match [a-z][a-z0-9-]{0,62} (lower-case letter first, then "
                    + "lower-case letters, digits and '-', at most 63 characters), not " + quote(name));
        }
        if (advertise == null || !isAddress(advertise)) {
            throw new IllegalArgumentException("--advertise must be an IP address or a host name that the bastion "
                    + "can dial to reach this runner, not " + quote(advertise));
        }
        if (advertise.startsWith("[")) {
            advertise = advertise.substring(1, advertise.length() - 1);
        }
        dockerHost = dockerHost == null || dockerHost.isBlank() ? DockerRuntime.DEFAULT_DOCKER_HOST : dockerHost.strip();
        if (!(dockerHost.matches("unix:///.+") || dockerHost.matches("tcp://[^/\\s]+:\\d{1,5}/?"))) {
            throw new IllegalArgumentException("--docker-host must be unix:///path/to/docker.sock or tcp://host:port, not "
                    + quote(dockerHost));
        }
        if (hostPin != null && !scheme.equals("https")) {
            throw new IllegalArgumentException("--host-fingerprint pins a Host that speaks TLS: use https:// in --host, "
                    + "not " + hostUrl);
        }
        TlsPin.clientContext(hostUrl, hostPin, HttpHostLink.HOW_TO_PIN);
        heartbeat = heartbeat == null ? DEFAULT_HEARTBEAT : heartbeat;
        if (heartbeat.toMillis() < 100 || heartbeat.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("the heartbeat interval must be between 100 ms and 1 minute, not " + heartbeat);
        }
        containers = containers == null ? ContainerPolicy.DEFAULTS : containers;
    }

    /** A runner of a plain-HTTP Host (on loopback): no TLS key to pin. */
    public RunnerConfig(URI hostUrl, String joinToken, String name, String advertise, String dockerHost,
                        Duration heartbeat, Path credentialFile, PortRange ports, ContainerPolicy containers) {
        this(hostUrl, joinToken, name, advertise, dockerHost, heartbeat, credentialFile, ports, containers, null);
    }

    /** No DNS here: a host name is checked for its form only, an IPv6 literal by the JDK's literal parser. */
    private static boolean isAddress(String s) {
        if (IPV4.matcher(s).matches()) {
            return true;
        }
        if (s.contains(":")) {
            String literal = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
            if (!IPV6.matcher(literal).matches()) {
                return false;
            }
            try {
                // A literal made only of hex digits, ':' and '.' is parsed, never looked up.
                return java.net.InetAddress.getByName(literal) instanceof java.net.Inet6Address;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return !s.matches("[0-9.]+") && HOST_NAME.matcher(s).matches();
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }

    @Override
    public String toString() {
        return "RunnerConfig[hostUrl=" + hostUrl + ", joinToken=" + (joinToken == null ? "none" : "<secret>") + ", name="
                + name + ", advertise=" + advertise + ", dockerHost=" + dockerHost + ", heartbeat=" + heartbeat
                + ", credentialFile=" + credentialFile + ", ports=" + ports + ", containers=" + containers + ", hostPin=" + hostPin + "]";
    }
}

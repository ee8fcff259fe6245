package dev.ferry.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.InspectContainerResponse.ContainerState;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetworkSettings;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.ferry.protocol.ContainerLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@link ContainerRuntime} on a Docker engine through docker-java and its httpclient5 transport. */
public final class DockerRuntime implements ContainerRuntime {
    /** Where Docker listens unless told otherwise. */
    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

    private static final ExposedPort SSH = ExposedPort.tcp(22);
    /** The start-up step's output is for error messages and logs: keep what fits in a sentence or two. */
    private static final int MAX_EXEC_OUTPUT = 8192;
    private static final Pattern DAEMON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Docker's bridge option that, set to false, drops traffic between containers of the network. */
    static final String ICC_OPTION = "com.docker.network.bridge.enable_icc";
    private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);

    private final String dockerHost;
    private final DockerClient client;
    /** Pulls and execs: streams a tenant's container or a registry may keep open until their time limit. */
    private final DockerClient streams;

    private DockerRuntime(String dockerHost, DockerClient client, DockerClient streams) {
        this.dockerHost = dockerHost;
        this.client = client;
        this.streams = streams;
    }

    /**
     * Connects lazily to the engine at {@code dockerHost} ({@code unix:///path} or {@code tcp://host:port}):
     * nothing is dialled until the first call, so an engine that is down does not stop the runner.
     */
    public static DockerRuntime connect(String dockerHost) {
        String host = dockerHost == null ? DEFAULT_DOCKER_HOST : dockerHost;
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .build();
        return new DockerRuntime(host, DockerClientImpl.getInstance(config, http(config)),
                DockerClientImpl.getInstance(config, http(config)));
    }

    private static ApacheDockerHttpClient http(DockerClientConfig config) {
        return new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(5))
                // Long enough for a stop with its timeout; pulls and execs stream data well within it.
                .responseTimeout(Duration.ofMinutes(2))
                .build();
    }

    @Override
    public String dockerHost() {
        return dockerHost;
    }

    @Override
    public String version() {
        return call("ask the engine's version", () -> client.versionCmd().exec().getVersion());
    }

    @Override
    public EngineInfo engineInfo() {
        Info info = call("ask the engine's info", () -> client.infoCmd().exec());
        return new EngineInfo(info.getServerVersion(),
                info.getNCPU() == null ? Runtime.getRuntime().availableProcessors() : info.getNCPU(),
                info.getMemTotal() == null ? 0 : info.getMemTotal());
    }

    @Override
    public List<ManagedContainer> list(Map<String, String> labels) {
        List<Container> listed = call("list containers", () -> client.listContainersCmd()
                .withShowAll(true).withLabelFilter(labels).exec());
        // The list lacks StartedAt and the exit code: inspect each; one removed meanwhile is skipped, and one
        // whose inspect fails is still seen, as the list shows it, so it cannot hide the others.
        List<ManagedContainer> out = new ArrayList<>();
        for (Container c : listed) {
            try {
                inspect(c.getId()).ifPresent(out::add);
            } catch (EngineUnreachableException e) {
                throw e;
            } catch (RuntimeException e) {
                log.warn("container {}: {}; reporting it as the container list shows it", c.getId(), e.getMessage());
                out.add(summary(c));
            }
        }
        return out;
    }

    private static ManagedContainer summary(Container c) {
        String ip = null;
        Integer port = null;
        for (ContainerPort p : c.getPorts() == null ? new ContainerPort[0] : c.getPorts()) {
            if (Objects.equals(p.getPrivatePort(), 22) && p.getPublicPort() != null) {
                ip = p.getIp();
                port = p.getPublicPort();
            }
        }
        String[] names = c.getNames();
        String name = names == null || names.length == 0 ? null : names[0].replaceFirst("^/", "");
        ContainerNetworkSettings net = c.getNetworkSettings();
        return new ManagedContainer(c.getId(), name, c.getImage(), c.getLabels(),
                c.getState() == null ? "unknown" : c.getState(), null, null, null, ip, port,
                net == null || net.getNetworks() == null ? Set.of() : net.getNetworks().keySet(), null);
    }

    @Override
    public Optional<ManagedContainer> inspect(String idOrName) {
        try {
            InspectContainerResponse r = call("inspect container " + idOrName,
                    () -> client.inspectContainerCmd(idOrName).exec());
            return Optional.of(toManaged(r));
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    private static ManagedContainer toManaged(InspectContainerResponse r) {
        String ip = null;
        Integer port = null;
        Ports ports = r.getNetworkSettings() == null ? null : r.getNetworkSettings().getPorts();
        Ports.Binding[] bindings = ports == null ? null : ports.getBindings().get(SSH);
        if (bindings != null && bindings.length > 0 && bindings[0].getHostPortSpec() != null) {
            ip = bindings[0].getHostIp();
            port = Integer.valueOf(bindings[0].getHostPortSpec());
        }
        String name = r.getName() == null ? null : r.getName().replaceFirst("^/", "");
        ContainerState state = r.getState();
        var networks = r.getNetworkSettings() == null ? null : r.getNetworkSettings().getNetworks();
        return new ManagedContainer(r.getId(), name, r.getConfig() == null ? null : r.getConfig().getImage(),
                r.getConfig() == null ? Map.of() : r.getConfig().getLabels(),
                state == null ? "unknown" : state.getStatus(), instant(state == null ? null : state.getStartedAt()),
                instant(state == null ? null : state.getFinishedAt()),
                state == null || state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue(), ip, port,
                networks == null ? Set.of() : networks.keySet(), limits(r.getHostConfig()));
    }

    private static ContainerLimits limits(HostConfig h) {
        if (h == null) {
            return null;
        }
        Long nanoCpus = h.getNanoCPUs();
        Long memory = h.getMemory();
        return new ContainerLimits(nanoCpus == null ? 0 : nanoCpus / 1e9, memory == null ? 0 : memory);
    }

    /** Docker says {@code 0001-01-01T00:00:00Z} for a container that never started (or never ended). */
    private static Instant instant(String s) {
        if (s == null || s.isBlank() || s.startsWith("0001-")) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public Optional<ImageInfo> image(String image) {
        try {
            InspectImageResponse r = call("inspect image " + image, () -> client.inspectImageCmd(image).exec());
            var config = r.getConfig();
            return Optional.of(config == null ? new ImageInfo(List.of(), List.of())
                    : new ImageInfo(list(config.getEntrypoint()), list(config.getCmd())));
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    private static List<String> list(String[] a) {
        return a == null ? List.of() : List.of(a);
    }

    @Override
    public void pull(String image, Duration timeout) {
        run("pull image " + image, () -> {
            StringBuilder refused = new StringBuilder();
            Completion<PullResponseItem> pull = new Completion<>(item -> {
                if (item.isErrorIndicated() && refused.length() == 0) {
                    refused.append(item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : "the registry refused");
                }
            });
            try {
                streams.pullImageCmd(image).exec(pull);
                if (!pull.await(timeout.toMillis())) {
                    throw new ContainerRuntimeException("pulling image " + image + " did not finish within " + timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerRuntimeException("interrupted while pulling image " + image, e);
            }
            if (refused.length() > 0) {
                throw new ContainerRuntimeException("cannot pull image " + image + ": " + refused);
            }
        });
    }

    @Override
    public String create(ContainerSpec spec) {
        ContainerPolicy policy = spec.policy();
        // HostIp pins the published port to the advertised address; Docker picks a free one of the range.
        HostConfig host = HostConfig.newHostConfig()
                .withPortBindings(new PortBinding(new Ports.Binding(spec.publishIp(),
                        spec.publishPorts() == null ? null : spec.publishPorts().toString()), SSH))
                .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
                .withNanoCPUs(spec.nanoCpus())
                .withMemory(spec.memoryBytes())
                .withNetworkMode(vpsNetwork())
                .withCapDrop(Capability.ALL)
                .withCapAdd(policy.capabilities().stream().map(Capability::valueOf).toArray(Capability[]::new))
                .withSecurityOpts(policy.newPrivileges() ? List.of() : List.of("no-new-privileges"))
                .withPidsLimit(policy.pidsLimit());
        return call("create container " + spec.name() + " from image " + spec.image(), () -> {
            var cmd = client.createContainerCmd(spec.image())
                    .withName(spec.name())
                    .withHostName(spec.hostname())
                    .withLabels(spec.labels())
                    .withExposedPorts(SSH)
                    .withHostConfig(host);
            if (spec.cmd() != null) {
                cmd.withCmd(spec.cmd());
            }
            return cmd.exec().getId();
        });
    }

    @Override
    public void start(String id) {
        try {
            run("start container " + id, () -> ignoreNotModified(() -> client.startContainerCmd(id).exec()));
        } catch (ContainerRuntimeException e) {
            if (!(e instanceof EngineUnreachableException) && PortTakenException.isPortTaken(e.getMessage())) {
                throw new PortTakenException(e.getMessage(), e);
            }
            throw e;
        }
    }

    @Override
    public void stop(String id, Duration timeout) {
        run("stop container " + id, () -> ignoreNotModified(
                () -> client.stopContainerCmd(id).withTimeout((int) Math.max(1, timeout.toSeconds())).exec()));
    }

    @Override
    public void pause(String id) {
        run("pause container " + id, () -> {
            if (!inspect(id).map(ManagedContainer::isPaused).orElse(false)) {
                client.pauseContainerCmd(id).exec();
            }
        });
    }

    @Override
    public void unpause(String id) {
        run("unpause container " + id, () -> {
            if (inspect(id).map(ManagedContainer::isPaused).orElse(false)) {
                client.unpauseContainerCmd(id).exec();
            }
        });
    }

    @Override
    public void moveToNetwork(String id, String network) {
        String target = ContainerPolicy.NETWORK.equals(network) ? vpsNetwork() : network;
        ManagedContainer c = inspect(id).orElseThrow(() -> new ContainerRuntimeException("cannot move container "
                + id + " to network " + network + ": it no longer exists"));
        if (!c.networks().contains(target)) {
            run("attach container " + c.name() + " to network " + target,
                    () -> client.connectToNetworkCmd().withContainerId(id).withNetworkId(target).exec());
        }
        for (String other : c.networks()) {
            if (!other.equals(target)) {
                run("detach container " + c.name() + " from network " + other,
                        () -> client.disconnectFromNetworkCmd().withContainerId(id).withNetworkId(other).exec());
            }
        }
    }

    /**
     * The VPS network, created when missing. One that exists but lets its containers reach each other is
     * refused: someone made it by hand, and using it would undo the isolation it stands for.
     */
    private String vpsNetwork() {
        String name = ContainerPolicy.NETWORK;
        Network network;
        try {
            network = call("inspect network " + name, () -> client.inspectNetworkCmd().withNetworkId(name).exec());
        } catch (NotFound e) {
            try {
                run("create network " + name, () -> client.createNetworkCmd().withName(name).withDriver("bridge")
                        .withOptions(Map.of(ICC_OPTION, "false"))
                        .withLabels(Map.of("ferry.managed", "true")).exec());
                log.info("created Docker network {} for VPS containers (bridge, no traffic between containers)", name);
            } catch (ContainerRuntimeException raced) {
                if (!(raced.getCause() instanceof ConflictException)) {
                    throw raced;
                }
                // another runner on this engine made it meanwhile: checked below like any existing one
            }
            network = call("inspect network " + name, () -> client.inspectNetworkCmd().withNetworkId(name).exec());
        }
        Map<String, String> options = network.getOptions() == null ? Map.of() : network.getOptions();
        if (!"bridge".equals(network.getDriver()) || !"false".equals(options.get(ICC_OPTION))) {
            throw new ContainerRuntimeException("Docker network " + name + " exists but is not a bridge with "
                    + ICC_OPTION + "=false, so VPS on it could reach each other's sshd: remove it (docker network "
                    + "rm " + name + ") and the runner makes it again");
        }
        return name;
    }

    @Override
    public void remove(String id) {
        try {
            run("remove container " + id,
                    () -> client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
        } catch (NotFound e) {
            // already gone: what was asked for
        }
    }

    @Override
    public boolean rename(String id, String hostname) {
        InspectContainerResponse r = call("inspect container " + id, () -> client.inspectContainerCmd(id).exec());
        Long pid = r.getState() == null ? null : r.getState().getPidLong();
        return ContainerHostname.set(pid == null ? 0 : pid, hostname,
                r.getHostnamePath() == null ? null : Path.of(r.getHostnamePath()),
                r.getHostsPath() == null ? null : Path.of(r.getHostsPath()));
    }

    @Override
    public ExecResult exec(String id, List<String> cmd, Map<String, String> env, Duration timeout) {
        List<String> envList = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        String execId = call("prepare a command in container " + id, () -> client.execCreateCmd(id)
                .withUser("root").withEnv(envList).withCmd(cmd.toArray(String[]::new))
                .withAttachStdout(true).withAttachStderr(true).withTty(false)
                .exec().getId());
        StringBuilder output = new StringBuilder();
        run("run a command in container " + id, () -> {
            Completion<Frame> exec = new Completion<>(frame -> {
                synchronized (output) {
                    if (output.length() < MAX_EXEC_OUTPUT) {
                        output.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }
            });
            try {
                streams.execStartCmd(execId).exec(exec);
                if (!exec.await(timeout.toMillis())) {
                    throw new ExecTimeoutException("the command in container " + id + " did not end within "
                            + timeout.toMillis() + " ms and was abandoned");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerRuntimeException("interrupted while running a command in container " + id, e);
            }
        });
        Long code = call("read the exit code of a command in container " + id,
                () -> client.inspectExecCmd(execId).exec().getExitCodeLong());
        synchronized (output) {
            return new ExecResult(code == null ? -1 : code.intValue(), output.toString());
        }
    }

    @Override
    public void close() {
        for (DockerClient c : List.of(client, streams)) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    @Override
    public String toString() {
        return "DockerRuntime[" + dockerHost + "]";
    }

    private static void ignoreNotModified(Runnable r) {
        try {
            r.run();
        } catch (NotModifiedException e) {
            // already in the asked-for state
        }
    }

    private void run(String operation, Runnable r) {
        call(operation, () -> {
            r.run();
            return null;
        });
    }

    /**
     * Maps docker-java's exceptions to the runtime's: an answer from the engine becomes a
     * {@link ContainerRuntimeException} with the engine's own message, no answer at all an
     * {@link EngineUnreachableException} naming the Docker host.
     */
    private <T> T call(String operation, Supplier<T> s) {
        try {
            return s.get();
        } catch (ContainerRuntimeException e) {
            throw e;
        } catch (NotFoundException e) {
            throw new NotFound("cannot " + operation + ": " + daemonMessage(e), e);
        } catch (DockerException e) {
            throw new ContainerRuntimeException("cannot " + operation + ": " + daemonMessage(e), e);
        } catch (RuntimeException e) {
            Throwable root = e;
            boolean io = false;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
                io |= root instanceof IOException;
            }
            if (!io) {
                throw new ContainerRuntimeException("cannot " + operation + ": " + e, e);
            }
            throw new EngineUnreachableException("the Docker engine at " + dockerHost + " is not reachable ("
                    + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage())
                    + "): is dockerd running, and may this user use it?", e);
        }
    }

    /** Docker's errors come as {@code Status 404: {"message":"No such image: x"}}: keep the sentence. */
    private static String daemonMessage(DockerException e) {
        String m = String.valueOf(e.getMessage());
        Matcher matcher = DAEMON_MESSAGE.matcher(m);
        return matcher.find() ? matcher.group(1).replace("\\\"", "\"").strip() : m.strip();
    }

    /** Internal: lets the lookups above answer "absent" without a separate existence call. */
    private static final class NotFound extends ContainerRuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

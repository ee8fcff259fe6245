package dev.ferry.agent.testing;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.agent.docker.ContainerRuntime;
import dev.ferry.agent.docker.ContainerRuntimeException;
import dev.ferry.agent.docker.ContainerSpec;
import dev.ferry.agent.docker.EngineInfo;
import dev.ferry.agent.docker.EngineUnreachableException;
import dev.ferry.agent.docker.ExecResult;
import dev.ferry.agent.docker.ExecTimeoutException;
import dev.ferry.agent.docker.ImageInfo;
import dev.ferry.agent.docker.ManagedContainer;
import dev.ferry.protocol.ContainerLimits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A hand-written in-memory {@link ContainerRuntime} for unit tests of the reconcile logic. */
public final class FakeRuntime implements ContainerRuntime {

    /** A container held by the fake. */
    public static final class Box {
        public final String id;
        public final ContainerSpec spec;
        public volatile String status = "created";
        public volatile Instant startedAt;
        public volatile Instant finishedAt;
        public volatile Integer exitCode;
        public volatile Integer port;
        public volatile Set<String> networks = Set.of(ContainerPolicy.NETWORK);
        /** Its host name while it runs: the create's at each start, as Docker does. */
        public volatile String hostname;

        Box(String id, ContainerSpec spec) {
            this.id = id;
            this.spec = spec;
        }

        ManagedContainer view() {
            return new ManagedContainer(id, spec.name(), spec.image(), spec.labels(), status, startedAt, finishedAt,
                    exitCode, port == null ? null : spec.publishIp(), port, networks,
                    new ContainerLimits(spec.nanoCpus() == null ? 0 : spec.nanoCpus() / 1e9,
                            spec.memoryBytes() == null ? 0 : spec.memoryBytes()));
        }
    }

    public final Map<String, ImageInfo> images = new ConcurrentHashMap<>();
    public final Map<String, Box> containers = new ConcurrentHashMap<>();
    /** Every exec, as container id and environment. */
    public final List<Map<String, String>> execs = new CopyOnWriteArrayList<>();
    /** What an exec answers, by image. */
    public volatile Function<String, ExecResult> execAnswer = image -> new ExecResult(0, "ok");
    /** When set, answers the step from its environment instead of {@link #execAnswer}, as the script would. */
    public volatile Function<Map<String, String>, ExecResult> execAnswerFromEnv;
    /** Images whose exec hangs: it is abandoned at its time limit, as {@link ContainerRuntime#exec} promises. */
    public final Set<String> hangingExecs = ConcurrentHashMap.newKeySet();
    /** Containers whose exec is hanging now. */
    public final Set<String> hungNow = ConcurrentHashMap.newKeySet();
    public volatile boolean reachable = true;
    public final List<String> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    /**
     * The fake containers' ports: each bound on loopback and never listened on, so that a connect is refused and no
     * other test's sshd can take the port meanwhile (with fixed numbers, a bastion test running beside these took
     * one, and its banner made a fake container's sshd look ready).
     */
    private static final List<Socket> PORTS = new CopyOnWriteArrayList<>();
    private volatile Instant clock = Instant.parse("2026-01-01T00:00:00Z");

    private void check(String call) {
        calls.add(call);
        if (!reachable) {
            throw new EngineUnreachableException("the Docker engine at unix:///fake.sock is not reachable (test)", null);
        }
    }

    /** Simulates Docker restarting a container (restart policy, dockerd restart). */
    public void restart(String name) {
        Box b = box(name);
        b.status = "running";
        b.hostname = b.spec.hostname();
        b.startedAt = clock = clock.plusSeconds(1);
    }

    /** Simulates the container's command ending after {@code ran}, and Docker about to start it again. */
    public void exitAndRestarting(String name, int code, Duration ran) {
        Box b = box(name);
        b.status = "restarting";
        b.finishedAt = b.startedAt.plus(ran);
        b.exitCode = code;
    }

    public Box box(String name) {
        return containers.values().stream().filter(b -> b.spec.name().equals(name) || b.id.equals(name))
                .findFirst().orElse(null);
    }

    @Override
    public String dockerHost() {
        return "unix:///fake.sock";
    }

    @Override
    public String version() {
        check("version");
        return "20.10.99-fake";
    }

    @Override
    public EngineInfo engineInfo() {
        check("info");
        return new EngineInfo("20.10.99-fake", 8, 16L << 30);
    }

    @Override
    public List<ManagedContainer> list(Map<String, String> labels) {
        check("list");
        List<ManagedContainer> out = new ArrayList<>();
        for (Box b : containers.values()) {
            if (b.spec.labels().entrySet().containsAll(labels.entrySet())) {
                out.add(b.view());
            }
        }
        return out;
    }

    @Override
    public Optional<ManagedContainer> inspect(String idOrName) {
        check("inspect");
        return Optional.ofNullable(box(idOrName)).map(Box::view);
    }

    @Override
    public Optional<ImageInfo> image(String image) {
        check("image");
        return Optional.ofNullable(images.get(image));
    }

    @Override
    public void pull(String image, Duration timeout) {
        check("pull " + image);
        throw new ContainerRuntimeException("cannot pull image " + image + ": no registry in tests");
    }

    @Override
    public String create(ContainerSpec spec) {
        check("create " + spec.name());
        if (box(spec.name()) != null) {
            throw new ContainerRuntimeException("cannot create container " + spec.name() + ": name in use");
        }
        String id = "c" + ids.incrementAndGet();
        containers.put(id, new Box(id, spec));
        return id;
    }

    @Override
    public void start(String id) {
        check("start " + id);
        Box b = box(id);
        if (!"running".equals(b.status)) {
            b.status = "running";
            b.hostname = b.spec.hostname();
            b.startedAt = clock = clock.plusSeconds(1);
            if (b.port == null) {
                b.port = unansweredPort();
            }
        }
    }

    @Override
    public void stop(String id, Duration timeout) {
        check("stop " + id);
        Box b = box(id);
        b.status = "exited";
        b.port = null;
    }

    @Override
    public void pause(String id) {
        check("pause " + id);
        box(id).status = "paused";
    }

    @Override
    public void unpause(String id) {
        check("unpause " + id);
        box(id).status = "running";
    }

    @Override
    public void moveToNetwork(String id, String network) {
        check("move " + id + " to " + network);
        box(id).networks = Set.of(network);
    }

    @Override
    public void remove(String id) {
        check("remove " + id);
        Box b = box(id);
        if (b != null) {
            containers.remove(b.id);
        }
    }

    @Override
    public boolean rename(String id, String hostname) {
        check("rename " + id);
        Box b = box(id);
        boolean changed = !hostname.equals(b.hostname);
        b.hostname = hostname;
        return changed;
    }

    @Override
    public ExecResult exec(String id, List<String> cmd, Map<String, String> env, Duration timeout) {
        check("exec " + id);
        Box b = box(id);
        execs.add(Map.copyOf(env));
        if (hangingExecs.contains(b.spec.image())) {
            hungNow.add(id);
            try {
                Thread.sleep(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                hungNow.remove(id);
            }
            throw new ExecTimeoutException("the command in container " + id + " did not end within "
                    + timeout.toMillis() + " ms and was abandoned");
        }
        Function<Map<String, String>, ExecResult> fromEnv = execAnswerFromEnv;
        return fromEnv != null ? fromEnv.apply(env) : execAnswer.apply(b.spec.image());
    }

    @Override
    public void close() {
    }

    private static int unansweredPort() {
        try {
            Socket bound = new Socket();
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            PORTS.add(bound);
            return bound.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

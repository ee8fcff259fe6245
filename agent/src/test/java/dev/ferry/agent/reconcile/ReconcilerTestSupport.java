package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.agent.docker.ImageInfo;
import dev.ferry.agent.testing.FakeRuntime;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.protocol.HeartbeatRequest;

import dev.ferry.testing.MovableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A runner's reconcile logic for its tests: runner r1 publishing on 127.0.0.1, a hand-written Docker holding three
 * images (one without a command, one with its own entrypoint, one whose command is a bare shell), a clock the test
 * moves. Closing it closes every reconciler it made and the fake sshd.
 */
final class ReconcilerTestSupport implements AutoCloseable {
    static final String KEY1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKYpNUXh6XUJn0ifTzQit7l75EEoAHPjAfj/YcXu9CHN probe";
    static final String KEY2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKs3j73g8Yv1F5heTq/NT2s+Rq47V3sWGPAiHeK9VfE9 second";
    static final String PLAIN = "ferry-test/plain:1";
    static final String REGISTRY = "0c6a0b1e-5a3f-4b7e-9d2a-3f1e2d4c5b6a";

    final FakeRuntime docker = new FakeRuntime();
    final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final List<Reconciler> reconcilers = new ArrayList<>();
    Reconciler reconciler;
    private ServerSocket sshd;

    ReconcilerTestSupport() {
        docker.images.put(PLAIN, new ImageInfo(List.of(), List.of()));
        docker.images.put("app:1", new ImageInfo(List.of("/entrypoint.sh"), List.of()));
        docker.images.put("shell:1", new ImageInfo(List.of(), List.of("bash")));
        reconciler = reconciler();
    }

    @Override
    public void close() throws IOException {
        reconcilers.forEach(Reconciler::close);
        if (sshd != null) {
            sshd.close();
        }
    }

    Reconciler reconciler() {
        // Actions run on the calling thread: each apply() is done when it returns.
        return reconciler(REGISTRY);
    }

    Reconciler reconciler(String registryId) {
        Reconciler r = new Reconciler("r1", "127.0.0.1", null, ContainerPolicy.DEFAULTS, docker, Runnable::run, null,
                clock, Duration.ofSeconds(1), Duration.ofSeconds(1));
        r.registry(registryId);
        reconcilers.add(r);
        return r;
    }

    static DesiredVps vps(String id, String image, DesiredState state, String... keys) {
        return new DesiredVps(id, null, image, null, null, state, List.of(keys), null);
    }

    ContainerReport report(String vpsId) {
        HeartbeatRequest h = reconciler.observe();
        return h.containers().stream().filter(c -> c.vpsId().equals(vpsId)).findFirst().orElse(null);
    }

    /** Observe, then apply: one heartbeat's worth of work. */
    void beat(DesiredVps... desired) {
        reconciler.observe();
        reconciler.apply(List.of(desired));
    }

    /** A listener that greets like sshd, enough for the banner check. */
    int fakeSshd() throws IOException {
        sshd = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!sshd.isClosed()) {
                try (Socket s = sshd.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("SSH-2.0-Fake\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return sshd.getLocalPort();
    }
}

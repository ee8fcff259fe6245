package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ManagedContainer;
import dev.ferry.agent.onstart.SshBanner;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Whether each running VPS's sshd answers, on the address its port 22 is published on. */
final class SshdChecks implements AutoCloseable {
    /** Connect and banner timeout of the sshd check; each VPS is checked at most once per heartbeat. */
    static final Duration BANNER_TIMEOUT = Duration.ofSeconds(1);

    private final String advertise;
    private final ExecutorService probes = Executors.newCachedThreadPool(Workers.daemon("ferry-runner-probe"));

    SshdChecks(String advertise) {
        this.advertise = advertise;
    }

    /**
     * All checks at once, so the slowest VPS costs one timeout, not one each.
     *
     * @return per VPS id, whether its sshd answered; only running containers with a published port are checked
     */
    Map<String, Boolean> check(Iterable<ManagedContainer> containers) {
        Map<String, CompletableFuture<Boolean>> futures = new HashMap<>();
        for (ManagedContainer c : containers) {
            if (c.isRunning() && c.sshPort() != null) {
                futures.put(c.label(Labels.VPS_ID), CompletableFuture.supplyAsync(
                        () -> SshBanner.answers(advertise, c.sshPort(), BANNER_TIMEOUT), probes));
            }
        }
        Map<String, Boolean> out = new HashMap<>();
        long deadline = System.nanoTime() + BANNER_TIMEOUT.multipliedBy(3).toNanos();
        for (var e : futures.entrySet()) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                out.put(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception ex) {
                out.put(e.getKey(), false);
            }
        }
        return out;
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }
}

package dev.ferry.agent.docker;

import dev.ferry.protocol.ContainerLimits;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A container as Docker shows it now.
 *
 * @param id        the container id
 * @param name      the container name, without Docker's leading slash
 * @param image     the image it was created from (as given at creation)
 * @param labels    its labels
 * @param status    Docker's word: created, running, paused, restarting, removing, exited or dead
 * @param startedAt when Docker last started it, or null if never
 * @param finishedAt when its command last ended, or null if never
 * @param exitCode  the exit code of its command's last end, or null if it never ended
 * @param sshHostIp the host address its port 22/tcp is published on, or null when not published
 * @param sshPort   the host port its port 22/tcp is published on, or null when not published (e.g. stopped)
 * @param networks  the names of the networks it is attached to
 * @param limits    the CPU and memory limits it runs with; null in a list, which does not show them
 */
public record ManagedContainer(String id, String name, String image, Map<String, String> labels, String status,
                               Instant startedAt, Instant finishedAt, Integer exitCode, String sshHostIp,
                               Integer sshPort, Set<String> networks, ContainerLimits limits) {
    public ManagedContainer {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        networks = networks == null ? Set.of() : Set.copyOf(networks);
    }

    /**
     * @return whether it is on the VPS network only; not so a container made by a runner before VPS had their
     *     own network (on Docker's default bridge, and with Docker's default capabilities)
     */
    public boolean onVpsNetworkOnly() {
        return networks.equals(Set.of(ContainerPolicy.NETWORK));
    }

    /** @return the value of label {@code key}, or null */
    public String label(String key) {
        return labels.get(key);
    }

    public boolean isRunning() {
        return "running".equals(status);
    }

    public boolean isPaused() {
        return "paused".equals(status);
    }

    /** @return true while Docker waits to start it again after its command ended (restart policy) */
    public boolean isRestarting() {
        return "restarting".equals(status);
    }

    /** @return how long its last run lasted, or null when it is still running or never ran */
    public Duration lastRun() {
        if (startedAt == null || finishedAt == null || finishedAt.isBefore(startedAt)) {
            return null;
        }
        return Duration.between(startedAt, finishedAt);
    }

    /** @return true when the container is not running and not about to be (created, exited, dead) */
    public boolean isDown() {
        return "created".equals(status) || "exited".equals(status) || "dead".equals(status);
    }
}

package dev.ferry.agent.docker;

import java.time.Instant;
import java.util.Map;

/**
 * A container as Docker shows it now.
 *
 * @param id        the container id
 * @param name      the container name, without Docker's leading slash
 * @param image     the image it was created from (as given at creation)
 * @param labels    its labels
 * @param status    Docker's word: created, running, paused, restarting, removing, exited or dead
 * @param startedAt when Docker last started it, or null if never
 * @param sshHostIp the host address its port 22/tcp is published on, or null when not published
 * @param sshPort   the host port its port 22/tcp is published on, or null when not published (e.g. stopped)
 */
public record ManagedContainer(String id, String name, String image, Map<String, String> labels, String status,
                               Instant startedAt, String sshHostIp, Integer sshPort) {
    public ManagedContainer {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
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

    /** @return true when the container is not running and not about to be (created, exited, dead) */
    public boolean isDown() {
        return "created".equals(status) || "exited".equals(status) || "dead".equals(status);
    }
}

package dev.ferry.bastion.vps;

import java.util.Objects;

/**
 * How a runner-backed VPS is run: its image and limits, the runner it is assigned to, and the state
 * the Host wants it in (the runner learns that from its heartbeat answers and converges).
 *
 * @param image         container image, present on the runner (Ferry never needs a registry)
 * @param runner        assigned runner's name
 * @param cpus          CPU limit, {@code null} for none
 * @param memoryBytes   memory limit, {@code null} for none
 * @param desired       what the Host wants
 * @param restarting    a restart is under way: the runner is told to stop it, then to run it again
 */
public record Placement(String image, String runner, Double cpus, Long memoryBytes, TargetState desired,
                        boolean restarting) {
    public Placement {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(desired, "desired");
    }

    /** The same placement, wanting another state. */
    public Placement wanting(TargetState state, boolean restart) {
        return new Placement(image, runner, cpus, memoryBytes, state, restart);
    }

    /** What the runner is told now: during a restart, stopped until it reports the stop. */
    public TargetState toldToRunner() {
        return restarting ? TargetState.STOPPED : desired;
    }
}

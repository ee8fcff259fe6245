package dev.ferry.protocol;

/**
 * The limits a VPS container runs with, as its runner read them from Docker (a VPS placed without limits gets
 * the runner's defaults, which only the runner knows).
 *
 * @param cpus        CPUs (Docker's NanoCpus over 10^9); 0 for no limit
 * @param memoryBytes memory limit in bytes; 0 for no limit
 */
public record ContainerLimits(double cpus, long memoryBytes) {
    /** @return whether a Host can believe it: no negative, infinite or absurd figure from a runner */
    public boolean plausible() {
        return cpus >= 0 && cpus <= 1 << 16 && memoryBytes >= 0;
    }
}

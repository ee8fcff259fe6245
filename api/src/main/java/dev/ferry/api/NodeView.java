package dev.ferry.api;

/** A runner in {@code ferry node list}. */
public record NodeView(String name, String address, String status, String lastHeartbeat, long secondsSinceHeartbeat,
                       int vpsCount, int cpus, long memoryBytes, boolean dockerOk, String dockerError, String ports,
                       boolean onHostMachine) {
}

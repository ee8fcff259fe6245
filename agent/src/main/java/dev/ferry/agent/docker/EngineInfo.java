package dev.ferry.agent.docker;

/**
 * What the Docker engine says about itself and its machine.
 *
 * @param version     the engine's version, e.g. {@code 20.10.24}
 * @param cpus        CPUs available to containers
 * @param memoryBytes memory available to containers
 */
public record EngineInfo(String version, int cpus, long memoryBytes) {
}

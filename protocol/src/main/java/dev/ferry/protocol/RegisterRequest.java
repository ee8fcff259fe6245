package dev.ferry.protocol;

/**
 * {@code POST /api/v1/runners/register}.
 *
 * @param name        the runner's name, {@code [a-z][a-z0-9-]{0,62}}
 * @param address     the advertised address the bastion dials (IP literal or host name)
 * @param cpus        CPUs of the machine (from Docker when it answers)
 * @param memoryBytes memory of the machine in bytes
 * @param docker      whether Docker answers; null is taken as an engine that does not
 */
public record RegisterRequest(String name, String address, Integer cpus, Long memoryBytes, DockerStatus docker) {
}

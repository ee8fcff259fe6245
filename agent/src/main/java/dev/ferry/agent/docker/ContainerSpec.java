package dev.ferry.agent.docker;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A VPS container to create. Port 22/tcp is always published on {@code publishIp} only, with a host port
 * Docker picks, the restart policy is {@code unless-stopped}, and the container joins
 * {@link ContainerPolicy#NETWORK}: those are not options.
 *
 * @param name        the container name ({@code ferry-vps-<id>})
 * @param hostname    the container's host name
 * @param image       the image
 * @param cmd         the command to run, or null to keep the image's own
 * @param labels      labels to put on it
 * @param nanoCpus    CPU limit in units of 10^-9 CPUs, or null for none
 * @param memoryBytes memory limit, or null for none
 * @param publishIp   the IP address port 22 is published on (the runner's advertised address)
 * @param publishPorts the host ports Docker picks the published port from (the runner's enrolled range); null
 *                    for Docker's own choice
 * @param policy      capabilities, pids limit and privileges of the container
 */
public record ContainerSpec(String name, String hostname, String image, List<String> cmd, Map<String, String> labels,
                            Long nanoCpus, Long memoryBytes, String publishIp, PortRange publishPorts,
                            ContainerPolicy policy) {
    public ContainerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(publishIp, "publishIp");
        Objects.requireNonNull(policy, "policy");
        cmd = cmd == null ? null : List.copyOf(cmd);
        labels = Map.copyOf(labels);
    }
}

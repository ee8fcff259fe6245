package dev.ferry.bastion.fleet;

import java.util.List;

/**
 * The JSON of the runner endpoints (protocol v1): runners register, then heartbeat every few seconds
 * with what their Docker engine shows, and learn from each answer what the Host wants. Pull, not push:
 * lost messages and agent restarts converge instead of leaving a VPS stuck.
 */
public final class RunnerProtocol {
    private RunnerProtocol() {
    }

    /** Whether the runner's Docker engine answers. */
    public record Docker(boolean ok, String error, String version) {
    }

    /** {@code POST /api/v1/runners/register}. */
    public record Register(String name, String address, Integer cpus, Long memoryBytes, Docker docker) {
    }

    /**
     * The answer to a registration.
     *
     * @param registryId the Host registry's identity: the runner labels its containers with it and removes
     *                   only containers of this registry that the Host no longer lists
     * @param session    this registration: heartbeats carry it, and one of an older registration of the same
     *                   name is refused (409) so that the earlier process stops
     */
    public record RegisterAnswer(int heartbeatSeconds, String registryId, String session) {
    }

    /**
     * One VPS container as the runner sees it.
     *
     * @param state running, paused, stopped, starting, failed or missing
     */
    public record ContainerReport(String vpsId, String containerId, String state, Integer sshPort, Boolean sshReady,
                                  String error, String startedAt) {
    }

    /**
     * {@code POST /api/v1/runners/{name}/heartbeat}.
     *
     * @param session the session of the runner's registration, or null (not checked)
     */
    public record Heartbeat(Docker docker, List<ContainerReport> containers, String session) {
        public Heartbeat(Docker docker, List<ContainerReport> containers) {
            this(docker, containers, null);
        }
    }

    /**
     * What the Host wants of one VPS of the runner.
     *
     * @param state running, paused or stopped; a VPS missing from the answer is to be removed
     */
    public record DesiredVps(String vpsId, String name, String image, Double cpus, Long memoryBytes, String state,
                             List<String> authorizedKeys) {
    }

    /** The answer to a heartbeat: every VPS assigned to the runner. */
    public record HeartbeatAnswer(List<DesiredVps> vps) {
    }
}

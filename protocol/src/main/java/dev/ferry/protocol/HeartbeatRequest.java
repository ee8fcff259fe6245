package dev.ferry.protocol;

import java.util.List;
import java.util.Objects;

/**
 * {@code POST /api/v1/runners/{name}/heartbeat}.
 *
 * @param docker     whether Docker answered; when it did not, {@code containers} is empty because the runner
 *                   cannot know them, not because there are none
 * @param containers every VPS container of this runner, plus failed/missing entries for VPS it could not create
 * @param session    the session of this runner's registration (null before one, or not checked)
 */
public record HeartbeatRequest(DockerStatus docker, List<ContainerReport> containers, String session) {
    public HeartbeatRequest {
        containers = containers == null ? List.of() : containers.stream().filter(Objects::nonNull).toList();
    }

    /** A report that names no registration. */
    public HeartbeatRequest(DockerStatus docker, List<ContainerReport> containers) {
        this(docker, containers, null);
    }

    /** The same report, for the registration {@code id}. */
    public HeartbeatRequest withSession(String id) {
        return new HeartbeatRequest(docker, containers, id);
    }
}

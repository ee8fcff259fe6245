package dev.ferry.agent.host;

import java.util.List;

/**
 * {@code POST /api/v1/runners/{name}/heartbeat}.
 *
 * @param docker     whether Docker answered; when it did not, {@code containers} is empty because the runner
 *                   cannot know them, not because there are none
 * @param containers every VPS container of this runner, plus failed/missing entries for VPS it could not create
 */
public record HeartbeatRequest(DockerStatus docker, List<ContainerReport> containers) {
    public HeartbeatRequest {
        containers = List.copyOf(containers);
    }
}

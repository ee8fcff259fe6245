package dev.ferry.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The Host's answer to a heartbeat: the desired state of every VPS assigned to this runner. A VPS that is
 * not listed is to be removed.
 *
 * @param vps the desired VPS
 */
public record HeartbeatAnswer(List<DesiredVps> vps) {
    public HeartbeatAnswer {
        vps = vps == null ? List.of() : vps.stream().filter(Objects::nonNull).toList();
    }
}

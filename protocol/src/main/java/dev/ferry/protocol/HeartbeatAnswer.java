package dev.ferry.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The Host's answer to a heartbeat: the desired state of every VPS assigned to this runner. A VPS that is
 * not listed is to be removed.
 *
 * @param vps        the desired VPS
 * @param userCaKeys the Host's user CA public keys (OpenSSH lines) the VPS sshds are to trust, as in
 *                   {@link RegisterAnswer#userCaKeys()}; repeated in every answer so that a change reaches
 *                   running containers without a new registration
 */
public record HeartbeatAnswer(List<DesiredVps> vps, List<String> userCaKeys) {
    public HeartbeatAnswer {
        vps = vps == null ? List.of() : vps.stream().filter(Objects::nonNull).toList();
        userCaKeys = userCaKeys == null ? List.of() : userCaKeys.stream().filter(Objects::nonNull).toList();
    }
}

package dev.ferry.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The Host's answer to a registration.
 *
 * @param heartbeatSeconds how often the Host wants heartbeats; 0 or absent leaves the runner's own setting
 * @param registryId       the identity of the Host's registry: containers are labelled with it, and only
 *                         containers of this registry that the Host no longer lists are removed
 * @param session          this registration: heartbeats carry it; the Host refuses those of an older
 *                         registration of the same name (another process registered since)
 * @param userCaKeys       the Host's user CA public keys (OpenSSH lines): every VPS sshd trusts them for
 *                         certificate logins ({@code TrustedUserCAKeys}), which is how the bastion logs in
 *                         in plain mode; empty when the Host has none
 */
public record RegisterAnswer(int heartbeatSeconds, String registryId, String session, List<String> userCaKeys) {
    public RegisterAnswer {
        userCaKeys = userCaKeys == null ? List.of() : userCaKeys.stream().filter(Objects::nonNull).toList();
    }
}

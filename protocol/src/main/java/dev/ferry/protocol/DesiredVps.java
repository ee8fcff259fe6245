package dev.ferry.protocol;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the Host wants of one VPS assigned to this runner (one entry of a heartbeat answer).
 *
 * @param vpsId          the VPS id (decimal snowflake, as a string)
 * @param name           the VPS's name, or null
 * @param image          the image to run; it must exist on the runner or be pullable
 * @param cpus           CPU limit, or null for none
 * @param memoryBytes    memory limit in bytes, or null for none
 * @param state          running, paused, stopped or removed
 * @param authorizedKeys the OpenSSH public key lines that may log in as root
 * @param hostCertificate the Host's certificate for the host key the runner last reported for this VPS's sshd
 *                       (an OpenSSH line {@code ssh-ed25519-cert-v01@openssh.com AAAA...}; principals
 *                       {@code vps-<id>} and {@code vps-<name>}), for sshd's {@code HostCertificate}; null while
 *                       no host key is known
 * @param loginKeys      the public keys that may log in as each other login user (people granted that user),
 *                       by user name; absent from an older Host
 * @param clientCaKey    the Host's client CA public key (an OpenSSH line), whose certificates let in people who
 *                       signed in with SSO, or null when the Host has no SSO
 * @param certificateLogins for each login user root included, the people whose client CA certificate (principal:
 *                       their name) may log in as that user; absent from an older Host
 */
public record DesiredVps(String vpsId, String name, String image, Double cpus, Long memoryBytes,
                         DesiredState state, List<String> authorizedKeys, String hostCertificate,
                         Map<String, List<String>> loginKeys, String clientCaKey,
                         Map<String, List<String>> certificateLogins) {
    public DesiredVps {
        state = state == null ? DesiredState.UNKNOWN : state;
        authorizedKeys = authorizedKeys == null ? List.of() : authorizedKeys.stream().filter(Objects::nonNull).toList();
        loginKeys = loginKeys == null ? Map.of() : Map.copyOf(loginKeys);
        certificateLogins = certificateLogins == null || clientCaKey == null ? Map.of()
                : Map.copyOf(certificateLogins);
    }

    /** One whose people sign in with keys only (no SSO). */
    public DesiredVps(String vpsId, String name, String image, Double cpus, Long memoryBytes, DesiredState state,
                      List<String> authorizedKeys, String hostCertificate, Map<String, List<String>> loginKeys) {
        this(vpsId, name, image, cpus, memoryBytes, state, authorizedKeys, hostCertificate, loginKeys, null, null);
    }

    /** One with no keys for other login users than root. */
    public DesiredVps(String vpsId, String name, String image, Double cpus, Long memoryBytes, DesiredState state,
                      List<String> authorizedKeys, String hostCertificate) {
        this(vpsId, name, image, cpus, memoryBytes, state, authorizedKeys, hostCertificate, Map.of());
    }
}

package dev.ferry.bastion.ssh.route;

import dev.ferry.bastion.vps.Endpoint;
import java.util.Objects;

/**
 * Where a bridged login goes: the VPS's sshd, the user inside it, and the host key to expect.
 *
 * @param vpsId        the VPS's id
 * @param label        how messages name the VPS ({@code vps-<id>})
 * @param endpoint     its sshd's registered endpoint, the only address the bridge dials
 * @param loginUser    the user to log in as inside the container (any user: the certificate names the VPS)
 * @param hostKey      the OpenSSH public key line its sshd must present, or null when none is known yet
 * @param firstContact whether a missing host key may be recorded on this first contact (an external VPS);
 *                     a runner-backed VPS must have its key reported by the runner first
 * @param runnerNote   what the runner last said about the container, for "not answering" messages; may be empty
 * @param hostMachine  whether its endpoint may be on the Host's own machine: an admin registered it, or its runner
 *                     enrolled from the Host's machine; a runner elsewhere never makes the bastion dial the Host
 * @param recordingRequired its sessions must be recorded: a session the Host cannot record is refused, or ends
 */
public record Upstream(long vpsId, String label, Endpoint endpoint, String loginUser, String hostKey,
                       boolean firstContact, String runnerNote, boolean hostMachine, boolean recordingRequired) {
    public Upstream {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(loginUser, "loginUser");
        runnerNote = runnerNote == null ? "" : runnerNote;
    }
}

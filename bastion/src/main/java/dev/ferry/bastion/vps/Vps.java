package dev.ferry.bastion.vps;

import dev.ferry.protocol.ContainerLimits;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A VPS as the registry knows it.
 *
 * @param id        snowflake id, shown as a string in JSON
 * @param name      optional unique name, lower-case; {@code null} when none
 * @param status    lifecycle status
 * @param endpoint  where its sshd listens; {@code null} while a runner-backed VPS has no published port
 * @param keyCount  how many public keys are stored for it
 * @param placement how a runner runs it; {@code null} for an external VPS (an sshd Ferry does not run)
 * @param lastError the last problem reported for it, a sentence for the user; {@code null} when none
 * @param hostKey   its sshd's host public key, an OpenSSH line {@code type base64} without comment, checked
 *                  before it was stored; {@code null} while unknown (reported by its runner, or for an external
 *                  VPS given at registration or recorded at the bastion's first contact)
 * @param hostCertified its sshd serves the host certificate the Host issues for it now (its runner installed
 *                  it); always false for an external VPS
 * @param policy    what it demands of its sessions: recording, forwarding
 * @param limits    the limits its container runs with, as its runner last reported them; {@code null} while not
 *                  reported, and for an external VPS
 * @param owner     the person who created it, who manages it and logs in as any user; {@code null} for one made
 *                  with the admin token
 */
public record Vps(long id, String name, VpsStatus status, Endpoint endpoint, int keyCount,
                  Instant createdAt, Instant updatedAt, Placement placement, String lastError, String hostKey,
                  boolean hostCertified, VpsPolicy policy, ContainerLimits limits, String owner) {
    public Vps {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (endpoint == null && placement == null) {
            throw new IllegalArgumentException("an external VPS needs an endpoint");
        }
    }

    /** The bastion user name that reaches it: {@code vps-<id>}. */
    public String sshUser() {
        return "vps-" + id;
    }

    /** How messages name it: {@code vps-<id>} plus the name when it has one. */
    public String label() {
        return name == null ? sshUser() : sshUser() + " (" + name + ")";
    }

    /** What its runner last said, for messages about an sshd that does not answer; empty for an external VPS. */
    public String runnerNote() {
        return onRunner() ? "its runner " + placement.runner() + " reports it running (status last changed "
                + updatedAt.truncatedTo(ChronoUnit.SECONDS) + ")" : "";
    }

    /** Whether a runner runs it (as opposed to an external sshd). */
    public boolean onRunner() {
        return placement != null;
    }
}

package dev.ferry.bastion.vps;

import java.time.Instant;
import java.util.Objects;

/**
 * A VPS as the registry knows it.
 *
 * @param id       snowflake id, shown as a string in JSON
 * @param name     optional unique name, lower-case; {@code null} when none
 * @param status   lifecycle status
 * @param endpoint where its sshd listens
 * @param keyCount how many public keys are stored for it
 */
public record Vps(long id, String name, VpsStatus status, Endpoint endpoint, int keyCount,
                  Instant createdAt, Instant updatedAt) {
    public Vps {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The bastion user name that reaches it: {@code vps-<id>}. */
    public String sshUser() {
        return "vps-" + id;
    }

    /** How messages name it: {@code vps-<id>} plus the name when it has one. */
    public String label() {
        return name == null ? sshUser() : sshUser() + " (" + name + ")";
    }
}

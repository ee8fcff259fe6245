package dev.ferry.bastion.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A runner machine as the Host knows it.
 *
 * @param name          unique name, lower-case
 * @param address       advertised address: where the bastion dials its VPS's published ports
 * @param cpus          CPUs of the machine
 * @param memoryBytes   memory of the machine
 * @param dockerOk      whether its Docker engine answered at the last heartbeat
 * @param dockerError   what the runner said about Docker when it did not answer
 * @param online        heartbeats arrive; false after 30 s of silence
 */
public record Runner(String name, String address, int cpus, long memoryBytes, boolean dockerOk, String dockerError,
                     boolean online, Instant registeredAt, Instant lastHeartbeat) {
    /** A runner silent this long is offline and its VPS are lost (DESIGN.md, VPS lifecycle). */
    public static final Duration SILENCE_LIMIT = Duration.ofSeconds(30);

    public Runner {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
    }

    /** {@code online}/{@code offline}, as users read it. */
    public String statusWord() {
        return online ? "online" : "offline";
    }

    /** "last heartbeat 2026-11-23T12:00:01Z (42 s ago)". */
    public String lastHeard(Instant now) {
        long ago = Math.max(0, Duration.between(lastHeartbeat, now).toSeconds());
        return "last heartbeat " + lastHeartbeat.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " (" + ago + " s ago)";
    }
}

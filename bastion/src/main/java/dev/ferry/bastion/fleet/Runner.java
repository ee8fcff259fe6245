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
 * @param online        heartbeats arrive; false after {@code runner_silence_seconds} of silence
 * @param enrollment    what was fixed when it enrolled: where it may publish, and whether it is on the Host's machine
 */
public record Runner(String name, String address, int cpus, long memoryBytes, boolean dockerOk, String dockerError,
                     boolean online, Instant registeredAt, Instant lastHeartbeat, Enrollment enrollment) {
    /** A runner silent this long is offline and its VPS are lost (DESIGN.md, VPS lifecycle). */

    public Runner {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(lastHeartbeat, "lastHeartbeat");
        Objects.requireNonNull(enrollment, "enrollment");
    }

    /**
     * What a runner's enrollment fixed.
     *
     * @param onHostMachine it enrolled from the Host's own machine (a loopback address), so its VPS endpoints may be
     *                      loopback addresses; a runner elsewhere never makes the bastion dial the Host's loopback
     * @param portMin       the lowest host port its VPS sshds are published on
     * @param portMax       the highest
     */
    public record Enrollment(boolean onHostMachine, int portMin, int portMax) {
        public Enrollment {
            if (portMin < 1 || portMax > 65535 || portMin > portMax) {
                throw new IllegalArgumentException("a port range lies within 1-65535 with its lowest port first, not "
                        + portMin + "-" + portMax);
            }
        }

        /** Whether a port it reports lies where it publishes. */
        public boolean publishesOn(int port) {
            return port >= portMin && port <= portMax;
        }

        /** {@code 32768-60999}. */
        public String portRange() {
            return portMin + "-" + portMax;
        }
    }

    /** The same runner with a newer heartbeat time. */
    public Runner heardAt(Instant at) {
        return new Runner(name, address, cpus, memoryBytes, dockerOk, dockerError, online, registeredAt, at, enrollment);
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

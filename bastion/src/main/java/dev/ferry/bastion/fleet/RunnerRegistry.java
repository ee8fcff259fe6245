package dev.ferry.bastion.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The Host's record of runners. Thread-safe; every change is durable when the call returns. */
public interface RunnerRegistry {

    /**
     * The registry's identity, made once with it: runners label their containers with it and remove only
     * containers of this registry, so a runner pointed at another or a new Host removes nothing.
     */
    String registryId();

    /**
     * Enrolls a runner: its name is bound to the credential whose SHA-256 is {@code credentialHash}, and its
     * address and enrollment are fixed. It is offline until it registers.
     *
     * @throws dev.ferry.bastion.FerryException a conflict when the name is enrolled already
     */
    Runner enroll(String name, String address, Runner.Enrollment enrollment, String credentialHash, Instant at);

    /** Whether a runner of this name holds a credential (an older row, from before enrollment, holds none). */
    boolean isEnrolled(String name);

    /** The name of the runner holding the credential whose SHA-256 this is. */
    Optional<String> nameOfCredential(String credentialHash);

    /** Forgets a runner and its credential; returns whether there was one. Its VPS stay placed on its name. */
    boolean remove(String name);

    /** Keeps a one-time join token (its SHA-256) until it is used or expires. */
    void addJoinToken(String tokenHash, Instant at, Instant expires);

    /** Whether a one-time join token is kept and not expired at {@code now}. */
    boolean hasJoinToken(String tokenHash, Instant now);

    /** Takes a one-time join token: true once for a token kept and not expired at {@code now}, false after. */
    boolean takeJoinToken(String tokenHash, Instant now);

    /**
     * Records an enrolled runner's registration (its process starting, or coming back), online.
     *
     * @param session identifies the registering process; the latest registration's is the one heartbeats must carry
     * @throws dev.ferry.bastion.FerryException not found when no runner of that name is enrolled
     */
    Runner register(String name, int cpus, long memoryBytes, boolean dockerOk, String dockerError, String session,
                    Instant at);

    /**
     * Records a heartbeat; returns the runner, or empty when it is not registered.
     *
     * @param session the session of the registration the heartbeat belongs to, or null when the runner does not
     *                say (not checked)
     * @throws dev.ferry.bastion.FerryException a conflict when another process registered under the name since
     */
    Optional<Runner> heartbeat(String name, String session, boolean dockerOk, String dockerError, Instant at);

    Optional<Runner> find(String name);

    /** Every runner, by name. */
    List<Runner> list();

    /**
     * Counts every runner online now as heard at {@code at}: a Host that was down heard nobody, so after its
     * start each runner gets the full silence limit to check in before its VPS are called lost.
     */
    void heardAllOnlineAt(Instant at);

    /** Marks online runners silent since before {@code cutoff} offline and returns them. */
    List<Runner> markSilentOffline(Instant cutoff);
}

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
     * Records a runner's registration (new, or the same name coming back), online.
     *
     * @param session identifies the registering process; the latest registration's is the one heartbeats must carry
     */
    Runner register(String name, String address, int cpus, long memoryBytes, boolean dockerOk, String dockerError,
                    String session, Instant at);

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

package dev.ferry.bastion.fleet;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The Host's record of runners. Thread-safe; every change is durable when the call returns. */
public interface RunnerRegistry {

    /** Records a runner's registration (new, or the same name coming back), online. */
    Runner register(String name, String address, int cpus, long memoryBytes, boolean dockerOk, String dockerError,
                    Instant at);

    /** Records a heartbeat; returns the runner, or empty when it is not registered. */
    Optional<Runner> heartbeat(String name, boolean dockerOk, String dockerError, Instant at);

    Optional<Runner> find(String name);

    /** Every runner, by name. */
    List<Runner> list();

    /** Marks online runners silent since before {@code cutoff} offline and returns them. */
    List<Runner> markSilentOffline(Instant cutoff);
}

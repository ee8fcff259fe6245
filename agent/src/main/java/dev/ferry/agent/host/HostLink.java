package dev.ferry.agent.host;

import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterAnswer;
import dev.ferry.protocol.RegisterRequest;

/**
 * The runner's side of the runner protocol: the two calls it makes to the Host. The real one is
 * {@link HttpHostLink}; tests of the reconcile logic use a hand-written fake.
 */
public interface HostLink extends AutoCloseable {

    /**
     * Registers (or re-registers) this runner.
     *
     * @throws HostException the Host is unreachable or refused the registration
     */
    RegisterAnswer register(RegisterRequest request) throws HostException;

    /**
     * Reports the runner's containers and learns the desired state of its VPS.
     *
     * @throws NotRegisteredException the Host does not know the runner: register again
     * @throws SupersededException     another process registered under the runner's name since: stop
     * @throws HostException          the Host is unreachable or refused the heartbeat
     */
    HeartbeatAnswer heartbeat(String runnerName, HeartbeatRequest request) throws HostException;

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }
}

package dev.ferry.agent.host;

import dev.ferry.protocol.EnrollAnswer;
import dev.ferry.protocol.EnrollRequest;
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
     * Enrolls this runner with a join token: once, binding its name to the credential whose digest the request
     * carries.
     *
     * @throws RefusedException the Host refused the join token or the enrollment (the name is taken)
     * @throws HostException    the Host is unreachable
     */
    EnrollAnswer enroll(String joinToken, EnrollRequest request) throws HostException;

    /**
     * Registers (or re-registers) this runner's process.
     *
     * @param credential the runner's own credential
     * @throws UnknownCredentialException the Host does not know the credential (removed runner, another Host)
     * @throws RefusedException the Host refuses the registration (another runner's name, another address)
     * @throws HostException    the Host is unreachable or refused the registration
     */
    RegisterAnswer register(String credential, RegisterRequest request) throws HostException;

    /**
     * Reports the runner's containers and learns the desired state of its VPS.
     *
     * @throws NotRegisteredException the Host does not know the runner's process: register again
     * @throws SupersededException     another process registered under the runner's name since: stop
     * @throws UnknownCredentialException the Host does not know the credential any more
     * @throws RefusedException        the Host refuses the heartbeat for good
     * @throws HostException          the Host is unreachable or refused the heartbeat
     */
    HeartbeatAnswer heartbeat(String credential, String runnerName, HeartbeatRequest request) throws HostException;

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }
}

package dev.ferry.agent.host;

/**
 * The Host refuses this runner for good: its credential is unknown (the runner was removed, or this is another
 * Host), or its enrollment was refused (the name is taken, the join token is wrong). Trying again changes nothing,
 * so the runner stops and says why.
 */
public class RefusedException extends HostException {
    private static final long serialVersionUID = 1L;

    public RefusedException(String message) {
        super(message);
    }
}

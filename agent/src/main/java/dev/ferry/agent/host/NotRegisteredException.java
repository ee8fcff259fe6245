package dev.ferry.agent.host;

/** The Host does not know this runner (404 on heartbeat, e.g. after the Host lost its state): register again. */
public final class NotRegisteredException extends HostException {
    private static final long serialVersionUID = 1L;

    public NotRegisteredException(String message) {
        super(message);
    }
}

package dev.ferry.agent.host;

/** The Host refused a heartbeat because another process has registered under this runner's name since. */
public final class SupersededException extends HostException {
    private static final long serialVersionUID = 1L;

    public SupersededException(String message) {
        super(message);
    }
}

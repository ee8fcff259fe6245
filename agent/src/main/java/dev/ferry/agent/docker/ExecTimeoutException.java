package dev.ferry.agent.docker;

/** A command in a container that did not end within its time limit: it was abandoned, and may go on running. */
public final class ExecTimeoutException extends ContainerRuntimeException {
    private static final long serialVersionUID = 1L;

    public ExecTimeoutException(String message) {
        super(message);
    }
}

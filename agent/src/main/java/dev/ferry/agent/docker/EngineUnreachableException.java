package dev.ferry.agent.docker;

/** The Docker engine does not answer at all; the message names the Docker host. */
public final class EngineUnreachableException extends ContainerRuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}

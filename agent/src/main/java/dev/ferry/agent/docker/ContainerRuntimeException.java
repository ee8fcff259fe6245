package dev.ferry.agent.docker;

/** A Docker operation failed; the message says which operation, on what, and Docker's reason. */
public class ContainerRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ContainerRuntimeException(String message) {
        super(message);
    }

    public ContainerRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}

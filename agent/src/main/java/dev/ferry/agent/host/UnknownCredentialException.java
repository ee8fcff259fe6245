package dev.ferry.agent.host;

/**
 * The Host does not know this runner's credential (HTTP 401): the runner was removed ({@code ferry node remove}), it
 * talks to another Host, or its enrollment never arrived. With a join token it enrolls again, with a new credential.
 */
public final class UnknownCredentialException extends RefusedException {
    private static final long serialVersionUID = 1L;

    public UnknownCredentialException(String message) {
        super(message);
    }
}

package dev.ferry.agent.host;

/**
 * The Host could not be reached or refused a request. The message is a sentence for the runner's log
 * that names the Host and what happened; it never contains the token.
 */
public class HostException extends Exception {
    private static final long serialVersionUID = 1L;

    public HostException(String message) {
        super(message);
    }

    public HostException(String message, Throwable cause) {
        super(message, cause);
    }
}

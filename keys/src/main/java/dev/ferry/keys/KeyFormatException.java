package dev.ferry.keys;

/**
 * A key, key line or key file that Ferry cannot use. The message is a sentence meant for the person who
 * supplied the key: it says what is wrong and, where there is one, how to fix it.
 */
public final class KeyFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** @param message a user-facing sentence, e.g. {@code unsupported key type 'ssh-dss'} */
    public KeyFormatException(String message) {
        super(message);
    }

    /**
     * @param message a user-facing sentence
     * @param cause the low-level failure, kept for logs and debugging
     */
    public KeyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

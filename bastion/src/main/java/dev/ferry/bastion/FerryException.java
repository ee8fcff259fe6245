package dev.ferry.bastion;

/**
 * A failure whose message is a sentence the user reads as it is, in the CLI or in an API error.
 * The {@link Kind} is mapped once to an HTTP status (control API) and once to an exit code (CLI).
 */
public class FerryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What sort of failure this is; decides the HTTP status and the CLI exit code. */
    public enum Kind {
        /** The request itself is wrong: a bad value, a malformed key, a missing field. */
        INVALID,
        /** The thing named does not exist. */
        NOT_FOUND,
        /** The request clashes with the current state (duplicate name, key already stored). */
        CONFLICT,
        /** No credentials or wrong credentials. */
        UNAUTHORIZED,
        /** Credentials that are right, for something else than what they ask (another runner's name). */
        FORBIDDEN,
        /** Something Ferry needs is not there right now (host unreachable, registry busy). */
        UNAVAILABLE,
        /** A bug or an unexpected failure; details are in the log, not in the message. */
        INTERNAL
    }

    private final Kind kind;

    public FerryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public FerryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static FerryException invalid(String message) {
        return new FerryException(Kind.INVALID, message);
    }

    public static FerryException notFound(String message) {
        return new FerryException(Kind.NOT_FOUND, message);
    }

    public static FerryException conflict(String message) {
        return new FerryException(Kind.CONFLICT, message);
    }

    public static FerryException forbidden(String message) {
        return new FerryException(Kind.FORBIDDEN, message);
    }
}

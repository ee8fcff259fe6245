package dev.ferry.bastion;

/**
 * A failure whose message is a sentence the user reads as it is, in the CLI or in an API error.
 * The {@link Kind} is mapped once to an HTTP status (control API: the Host answers with {@link Kind#httpStatus()}, the
 * CLI's client reads it back with {@link Kind#ofHttpStatus(int)}) and once to an exit code (CLI).
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
        INTERNAL;

        /** The HTTP status the control API answers this kind of failure with. */
        public int httpStatus() {
            return switch (this) {
                case INVALID -> 400;
                case UNAUTHORIZED -> 401;
                case FORBIDDEN -> 403;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case UNAVAILABLE -> 503;
                case INTERNAL -> 500;
            };
        }

        /** The kind of failure an HTTP status from the control API (or from a proxy in front of it) stands for. */
        public static Kind ofHttpStatus(int status) {
            return switch (status) {
                case 400, 405, 413, 414, 415, 431 -> INVALID;
                case 401 -> UNAUTHORIZED;
                case 403 -> FORBIDDEN;
                case 404 -> NOT_FOUND;
                case 409 -> CONFLICT;
                case 408, 429, 502, 503, 504 -> UNAVAILABLE;
                default -> INTERNAL;
            };
        }
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

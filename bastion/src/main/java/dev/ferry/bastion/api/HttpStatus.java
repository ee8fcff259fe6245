package dev.ferry.bastion.api;

import dev.ferry.bastion.FerryException.Kind;

/** The one mapping between error kinds and HTTP statuses, used by the server and by the CLI's client. */
public final class HttpStatus {
    private HttpStatus() {
    }

    public static int of(Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }

    public static Kind kindOf(int status) {
        return switch (status) {
            case 400, 405, 413, 414, 415, 431 -> Kind.INVALID;
            case 401 -> Kind.UNAUTHORIZED;
            case 403 -> Kind.FORBIDDEN;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            case 408, 429, 502, 503, 504 -> Kind.UNAVAILABLE;
            default -> Kind.INTERNAL;
        };
    }
}

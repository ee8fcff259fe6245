package dev.ferry.bastion.vps;

import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/** Why a connection to a VPS's endpoint failed, in words a user can act on, never a class name. */
public final class DialFailure {
    private DialFailure() {
    }

    /** @param host the endpoint's host as registered, named when it does not resolve */
    public static String describe(Throwable problem, String host) {
        if (problem instanceof UnresolvedAddressException || problem instanceof UnknownHostException) {
            return "the name " + host + " does not resolve";
        }
        if (problem instanceof NoRouteToHostException) {
            return "no route to host";
        }
        String m = problem == null ? null : problem.getMessage();
        if (m == null) {
            return "connection failed";
        }
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.contains("time-out") || lower.contains("timed out")) {
            return "no answer";
        }
        return lower.contains("refused") ? "connection refused" : m;
    }
}

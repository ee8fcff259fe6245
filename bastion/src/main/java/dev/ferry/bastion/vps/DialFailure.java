package dev.ferry.bastion.vps;

import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/** Why a connection to a VPS's endpoint failed, in words a user can act on, never a class name. */
public final class DialFailure {
    private DialFailure() {
    }

    /**
     * What the user reads when a VPS's sshd cannot be reached: {@code vps-123: cannot connect to its sshd at
     * 10.0.0.5:22 (no answer within 10001 ms)}, or {@code (connection refused after 3 ms)}.
     *
     * @param who    the VPS as the user named it
     * @param millis how long the attempt took
     */
    public static String cannotConnect(String who, Endpoint endpoint, Throwable problem, long millis) {
        String why = describe(problem, endpoint.host());
        return who + ": cannot connect to its sshd at " + endpoint + " (" + (why.equals(NO_ANSWER)
                ? NO_ANSWER + " within " + millis + " ms" : why + " after " + millis + " ms") + ")";
    }

    private static final String NO_ANSWER = "no answer";

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
            return NO_ANSWER;
        }
        return lower.contains("refused") ? "connection refused" : m;
    }
}

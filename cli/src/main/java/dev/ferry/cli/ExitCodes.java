package dev.ferry.cli;

import dev.ferry.bastion.FerryException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The one place errors become exit codes and one-line messages (no stack traces for user errors).
 * 0 ok, 1 unexpected failure, 2 bad usage or input, 3 not found, 4 conflict with the current state,
 * 5 Host unreachable or unavailable, 6 token refused.
 */
public final class ExitCodes implements CommandLine.IExecutionExceptionHandler {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    public static final int NOT_FOUND = 3;
    public static final int CONFLICT = 4;
    public static final int UNAVAILABLE = 5;
    public static final int UNAUTHORIZED = 6;

    public static int of(FerryException.Kind kind) {
        return switch (kind) {
            case INVALID -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case CONFLICT -> CONFLICT;
            case UNAVAILABLE -> UNAVAILABLE;
            case UNAUTHORIZED, FORBIDDEN -> UNAUTHORIZED;
            case INTERNAL -> FAILURE;
        };
    }

    private final String launcher;

    /** @param launcher how the user runs ferry ({@link Env#launcher}): the commands a message names say so */
    public ExitCodes(String launcher) {
        this.launcher = launcher;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (e instanceof FerryException fe) {
            err.println("ferry: " + asRun(fe.getMessage(), cmd));
            err.flush();
            return of(fe.kind());
        }
        if (e instanceof IllegalArgumentException) {
            err.println("ferry: " + asRun(e.getMessage(), cmd));
            err.flush();
            return USAGE;
        }
        err.println("ferry: unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
        e.printStackTrace(err);
        err.flush();
        return FAILURE;
    }

    /**
     * The message with each command it names ({@code ferry vps resume 7}, written so by the Host, which cannot know)
     * as the user runs ferry: {@code ./ferry vps resume 7} from a checkout.
     */
    String asRun(String message, CommandLine cmd) {
        if (message == null || launcher.equals("ferry")) {
            return message;
        }
        String commands = String.join("|", cmd.getCommandSpec().root().subcommands().keySet());
        return message.replaceAll("(?<![\\w./-])ferry (?=(" + commands + ")\\b)",
                java.util.regex.Matcher.quoteReplacement(launcher) + " ");
    }
}

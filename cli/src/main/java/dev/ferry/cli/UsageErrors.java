package dev.ferry.cli;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command typed wrong: one line saying what is wrong, the closest command when a word was no command (by edit
 * distance: {@code vps lst} suggests {@code list}, not picocli's {@code stop}), and where the help is, instead of
 * the whole usage.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    private final Env env;

    UsageErrors(Env env) {
        this.env = env;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String command = env.launcher() + cmd.getCommandSpec().qualifiedName().substring(
                cmd.getCommandSpec().root().name().length());
        if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()
                && !cmd.getSubcommands().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")) {
            String word = unmatched.getUnmatched().get(0);
            err.println("ferry: '" + word + "' is not a command of " + command);
            List<String> closest = closest(word, cmd.getSubcommands().keySet());
            if (!closest.isEmpty()) {
                err.println("did you mean: " + String.join(" or ", closest.stream().map(c -> command + " " + c)
                        .toList()) + "?");
            }
        } else {
            err.println("ferry: " + String.valueOf(ex.getMessage()).replaceFirst("^Error: ", ""));
        }
        err.println("see: " + command + " --help");
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The names nearest {@code word} by edit distance, if any is near enough to be what was meant. */
    static List<String> closest(String word, Collection<String> names) {
        int best = names.stream().mapToInt(n -> distance(word, n)).min().orElse(Integer.MAX_VALUE);
        if (best > Math.max(1, Math.min(word.length(), 8) / 2)) {
            return List.of();
        }
        return names.stream().filter(n -> distance(word, n) == best).sorted(Comparator.naturalOrder()).toList();
    }

    /** Damerau-Levenshtein distance (optimal string alignment): a swap of neighbours counts one. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

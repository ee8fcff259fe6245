package dev.ferry.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lengths of time as people type them: {@code 30m}, {@code 8h}, {@code 7d}, {@code 2w}. */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})([mhdw])");

    private Durations() {
    }

    /** @return the length, or null when {@code text} is not one */
    public static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }
}

package dev.ferry.cli.vps;

import dev.ferry.api.GrantView;
import dev.ferry.bastion.FerryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How the CLI writes a grant, and reads when one ends. */
public final class GrantLines {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})([mhdw])");

    private GrantLines() {
    }

    /**
     * One grant on a line: {@code web (vps-123) as root, dev until 2026-12-31T18:00:00Z by admin token}.
     *
     * @param byVps name the VPS (a person's grants); else the person (a VPS's grants)
     */
    public static String line(GrantView g, boolean byVps) {
        String who = byVps ? (g.vpsName() == null ? "vps-" + g.vps() : g.vpsName() + " (vps-" + g.vps() + ")")
                : g.person();
        return who + " as " + (g.logins().isEmpty() ? "any user" : String.join(", ", g.logins()))
                + (g.until() == null ? ", no end" : (g.expired() ? ", ended " : " until ") + g.until())
                + " (granted by " + g.grantedBy() + " at " + Instant.parse(g.grantedAt()).truncatedTo(ChronoUnit.SECONDS)
                + ")";
    }

    /**
     * {@code --until}: an instant ({@code 2026-12-31T18:00Z}) or a time from now ({@code 30m}, {@code 8h},
     * {@code 7d}, {@code 2w}), as an ISO-8601 instant.
     */
    static String until(String text, Clock clock) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            return clock.instant().plus(d).truncatedTo(ChronoUnit.SECONDS).toString();
        }
        try {
            // seconds may be left out, and an offset other than Z given: 2026-12-31T18:00+01:00
            return OffsetDateTime.parse(text.strip().toUpperCase(Locale.ROOT)).toInstant().toString();
        } catch (DateTimeParseException e) {
            throw FerryException.invalid("--until '" + text + "' is neither an instant (2026-12-31T18:00Z) nor a time "
                    + "from now (30m, 8h, 7d, 2w)");
        }
    }
}

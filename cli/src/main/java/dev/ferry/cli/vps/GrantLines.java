package dev.ferry.cli.vps;

import dev.ferry.api.GrantView;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** How the CLI writes a grant, and reads when one ends. */
public final class GrantLines {
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
                + " (granted by " + g.grantedBy() + " at "
                + Instant.parse(g.grantedAt()).truncatedTo(ChronoUnit.SECONDS) + ")";
    }

    /**
     * {@code --until}: an instant ({@code 2026-12-31T18:00Z}) or a time from now ({@code 30m}, {@code 8h},
     * {@code 7d}, {@code 2w}), as an ISO-8601 instant.
     */
    static String until(String text, Clock clock) {
        Duration d = Durations.parse(text);
        if (d != null) {
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

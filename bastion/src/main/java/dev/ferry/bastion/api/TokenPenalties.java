package dev.ferry.bastion.api;

import dev.ferry.bastion.log.AuditLog;
import dev.ferry.bastion.net.Cidr;
import dev.ferry.bastion.net.Sources;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wrong API tokens from one source earn it a penalty, as failed SSH logins do: past {@link #FREE} wrong tokens in
 * a row, each one more shuts the source out of the API's authenticated routes for twice as long as the one before
 * (1 s, 2 s, 4 s, ... at most {@link #MAX}), so guessing a token goes no faster than that and a flood of wrong
 * tokens costs the Host one map entry. A right token from the source clears it. IPv6 sources count by /64.
 */
final class TokenPenalties {
    private static final Logger log = LoggerFactory.getLogger(TokenPenalties.class);
    /** Wrong tokens in a row a source may send before it is penalised (a user who mistyped, a stale token file). */
    static final int FREE = 5;
    /** No penalty grows beyond this. */
    static final Duration MAX = Duration.ofMinutes(5);
    /** Sources remembered at most; beyond, new ones go unpenalised rather than grow memory without bound. */
    static final int MAX_SOURCES = 65_536;

    private record Failures(int count, Instant until) {
    }

    private final List<Cidr> exempt;
    private final Clock clock;
    private final Map<String, Failures> sources = new ConcurrentHashMap<>();

    /** @param exempt sources never penalised (the SSH side's {@code penalty_exempt}) */
    TokenPenalties(List<Cidr> exempt, Clock clock) {
        this.exempt = List.copyOf(exempt);
        this.clock = clock;
    }

    /** The sentence a source that is shut out now reads, if it is. */
    Optional<String> refusal(InetAddress from) {
        Failures f = sources.get(Sources.of(from));
        Instant now = clock.instant();
        if (f == null || f.until() == null || !f.until().isAfter(now)) {
            return Optional.empty();
        }
        long seconds = Math.max(1, Duration.between(now, f.until()).toSeconds());
        return Optional.of(f.count() + " wrong API tokens in a row came from " + Sources.of(from)
                + ": its requests are refused for " + seconds + " s more; check the token the client sends");
    }

    /** A request from {@code from} sent a wrong token. */
    void failed(InetAddress from) {
        if (exempt.stream().anyMatch(c -> c.contains(from))) {
            return;
        }
        String source = Sources.of(from);
        Instant now = clock.instant();
        if (!sources.containsKey(source) && sources.size() >= MAX_SOURCES) {
            sources.values().removeIf(f -> f.until() == null || f.until().isBefore(now.minus(MAX)));
            if (sources.size() >= MAX_SOURCES) {
                return; // too many sources at once: no memory for one more
            }
        }
        Failures f = sources.merge(source, new Failures(1, null), (was, one) -> {
            int count = was.count() + 1;
            if (count <= FREE) {
                return new Failures(count, null);
            }
            long seconds = Math.min(MAX.toSeconds(), 1L << Math.min(30, count - FREE - 1));
            return new Failures(count, now.plusSeconds(seconds));
        });
        if (f.until() != null && isPowerOfTwo(f.count() - FREE)) { // a line at 1, 2, 4, 8, ... penalties
            log.info("api penalty: source {} sent {} wrong tokens in a row; refused for {} s", source, f.count(),
                    Duration.between(now, f.until()).toSeconds());
            AuditLog.event("penalty").put("source", source).put("reason", f.count() + " wrong API tokens in a row")
                    .put("seconds", Duration.between(now, f.until()).toSeconds())
                    .put("total_seconds", Duration.between(now, f.until()).toSeconds()).write();
        }
    }

    /** A request from {@code from} sent a right token: its count starts again. */
    void succeeded(InetAddress from) {
        if (!sources.isEmpty()) {
            sources.remove(Sources.of(from));
        }
    }

    private static boolean isPowerOfTwo(int n) {
        return n > 0 && (n & (n - 1)) == 0;
    }
}

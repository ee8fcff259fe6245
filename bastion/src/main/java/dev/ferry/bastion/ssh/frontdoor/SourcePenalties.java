package dev.ferry.bastion.ssh.frontdoor;

import dev.ferry.bastion.log.AuditLog;
import dev.ferry.bastion.metrics.Metrics;
import dev.ferry.bastion.net.Cidr;
import dev.ferry.bastion.net.Sources;
import dev.ferry.bastion.ssh.SessionInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Penalties per source, like OpenSSH's PerSourcePenalties: a connection that ends without logging in earns its
 * source (an IPv4 address, or an IPv6 /64) some seconds of penalty: more when it tried keys that failed than when
 * it never tried, and some when the pre-auth limits dropped it. Penalties add up, capped; while a source's penalty
 * exceeds the minimum, its new connections are closed as they are accepted ({@link AdmissionGate}), before any
 * SSH session or key exchange. A brute-forcer is slowed to about one failure per {@link #AUTHFAIL} for each
 * connection it holds at once; a user whose first key fails and second works earns nothing. Sources in the exempt
 * list (monitoring, a load balancer) are never penalised. Every penalty is logged with its reason.
 */
final class SourcePenalties implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(SourcePenalties.class);
    /** Keys were offered with signatures, and none was accepted. */
    static final Duration AUTHFAIL = Duration.ofSeconds(5);
    /** The connection ended without trying a single signed key (a scanner, a probe). */
    static final Duration NOAUTH = Duration.ofSeconds(1);
    /** The pre-auth limits dropped it. */
    static final Duration DROPPED = Duration.ofSeconds(2);
    /** It held a slot for the whole login grace time without logging in (a slowloris of SSH). */
    static final Duration GRACE = Duration.ofSeconds(20);
    /** A source is refused while its penalty exceeds this. */
    static final Duration MIN = Duration.ofSeconds(15);
    /** No penalty grows beyond this. */
    static final Duration MAX = Duration.ofSeconds(600);
    /** Sources remembered at most; beyond, new ones go unpenalised rather than grow memory without bound. */
    static final int MAX_SOURCES = 65_536;

    /** Set once a connection logged in. */
    private static final AttributeKey<Boolean> LOGGED_IN = new AttributeKey<>();
    /** Set on a connection closed at the end of the login grace time. */
    static final AttributeKey<Boolean> GRACE_EXCEEDED = new AttributeKey<>();

    private final List<Cidr> exempt;
    private final Clock clock;
    private final Map<String, Instant> until = new ConcurrentHashMap<>();

    SourcePenalties(List<Cidr> exempt, Clock clock) {
        this.exempt = List.copyOf(exempt);
        this.clock = clock;
    }

    /** Whether a connection from {@code from} is refused now, and why. */
    Optional<String> refusal(InetAddress from) {
        if (isExempt(from)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant end = until.get(Sources.of(from));
        if (end != null && Duration.between(now, end).compareTo(MIN) > 0) {
            return Optional.of("its source is penalised for " + Duration.between(now, end).toSeconds() + " s more");
        }
        return Optional.empty();
    }

    /** A connection from {@code from} that the pre-auth limits dropped as it was accepted. */
    void dropped(InetAddress from) {
        if (!isExempt(from)) {
            penalise(from, DROPPED, "dropped by the limits on connections not logged in yet");
        }
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            session.setAttribute(LOGGED_IN, true);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        InetAddress from = remote(session);
        if (from == null || session.getAttribute(LOGGED_IN) != null || isExempt(from)) {
            return;
        }
        Integer tried = session.getAttribute(SessionInfo.KEYS_TRIED);
        if (session.getAttribute(GRACE_EXCEEDED) != null) {
            penalise(from, GRACE, "no login within the login grace time");
        } else if (tried != null && tried > 0) {
            penalise(from, AUTHFAIL, "no login after " + tried + " signed key attempt" + (tried == 1 ? "" : "s"));
        } else {
            penalise(from, NOAUTH, "no login attempted");
        }
    }

    private void penalise(InetAddress from, Duration penalty, String reason) {
        String source = Sources.of(from);
        Instant now = clock.instant();
        if (!until.containsKey(source) && until.size() >= MAX_SOURCES) {
            until.values().removeIf(end -> end.isBefore(now));
            if (until.size() >= MAX_SOURCES) {
                return; // too many sources at once: no memory for one more
            }
        }
        Instant end = until.merge(source, now.plus(penalty), (was, added) -> {
            Instant base = was.isAfter(now) ? was : now;
            Instant next = base.plus(penalty);
            return next.isAfter(now.plus(MAX)) ? now.plus(MAX) : next;
        });
        long total = Duration.between(now, end).toSeconds();
        Metrics.PENALTIES.inc();
        AuditLog.event("penalty").put("source", source).put("reason", reason).put("seconds", penalty.toSeconds())
                .put("total_seconds", total).write();
        log.info("penalty: source {} +{} s ({}), now {} s{}", source, penalty.toSeconds(), reason, total,
                total > MIN.toSeconds() ? ": its new connections are refused for " + (total - MIN.toSeconds()) + " s"
                        : "");
    }

    private boolean isExempt(InetAddress a) {
        return exempt.stream().anyMatch(c -> c.contains(a));
    }

    private static InetAddress remote(Session session) {
        InetSocketAddress client = ClientAddress.of(session);
        return client == null ? null : client.getAddress();
    }
}

package dev.ferry.bastion.ssh.frontdoor;

import dev.ferry.bastion.Tally;
import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.net.TrustedProxies;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Limits connections that have not logged in yet, per client address and in all, as OpenSSH's MaxStartups
 * does: from {@code start} such connections on, a new one is closed as it is accepted ({@link AdmissionGate})
 * with a chance that grows from {@code rate} percent to all of them at {@code full} (random early drop), so a
 * flood of unauthenticated connections (each costing a key exchange) cannot starve real users, while a burst of
 * honest ones (Ansible's forks, 50 parallel {@code ssh -J} from one address) stays below {@code start} and is
 * never dropped.
 * Logged-in sessions do not count.
 */
final class PreAuthLimits implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(PreAuthLimits.class);
    /** Set while a session counts against the limits. */
    private static final AttributeKey<InetAddress> COUNTED = new AttributeKey<>();

    private final Startups perSource;
    private final Startups total;
    private final Tally<InetAddress> counted = new Tally<>();
    /** A flood is logged once per address every 10 s. */
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10));

    /** Connections through these are counted once their PROXY header named the client ({@link #count}). */
    private final TrustedProxies balancers;

    PreAuthLimits(Startups perSource, Startups total) {
        this(perSource, total, TrustedProxies.NONE);
    }

    PreAuthLimits(Startups perSource, Startups total, TrustedProxies balancers) {
        this.balancers = balancers;
        this.perSource = perSource;
        this.total = total;
    }

    /**
     * Whether a new connection from {@code from} is dropped, decided as it is accepted (one accept at a time), from
     * the connections counted now: random early drop between start and full. Logged once per address every 10 s.
     */
    boolean drops(InetAddress from) {
        int fromThere = counted.of(from) + 1;
        int everywhere = counted.total() + 1;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (!perSource.drops(fromThere, random.nextDouble()) && !total.drops(everywhere, random.nextDouble())) {
            return false;
        }
        int more = throttle.admit(from.getHostAddress());
        if (more >= 0) {
            log.warn("connection from {} closed: {} connections not logged in yet from there, {} in all "
                    + "(start:rate:full {} per address, {} in all){}", from.getHostAddress(), fromThere, everywhere,
                    perSource, total, throttle.more(more));
        }
        return true;
    }

    /** Counts a connection the gate admitted until it logs in or closes (through a balancer: once it named it). */
    @Override
    public void sessionCreated(Session session) {
        if (!balancers.contains(session.getIoSession().getRemoteAddress())) {
            count(session);
        }
    }

    /** Counts the session's client (as {@link ClientAddress} names it) until it logs in or closes. */
    void count(Session session) {
        InetSocketAddress client = ClientAddress.of(session);
        if (client == null) {
            return;
        }
        InetAddress from = client.getAddress();
        counted.add(from);
        session.setAttribute(COUNTED, from);
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event == Event.Authenticated) {
            release(session);
        }
    }

    @Override
    public void sessionClosed(Session session) {
        release(session);
    }

    /** Once per session: whichever of login and close comes first. */
    private void release(Session session) {
        InetAddress from = session.removeAttribute(COUNTED);
        if (from == null) {
            return;
        }
        counted.remove(from);
    }
}

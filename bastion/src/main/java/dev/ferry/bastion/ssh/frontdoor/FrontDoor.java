package dev.ferry.bastion.ssh.frontdoor;

import dev.ferry.bastion.net.Cidr;
import dev.ferry.bastion.net.TrustedProxies;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.SshServer;

/**
 * How the bastion treats connections before and around login: the values of the front door's settings (checked
 * where they are declared, {@code host.HostSettings}, whose keys these are), and the one place that puts the front
 * door's parts on a server ({@link #install}).
 *
 * @param loginGraceTime    {@code login_grace_time_seconds}
 * @param penaltyExempt     {@code penalty_exempt}
 * @param maxSessionsPerKey {@code max_sessions_per_key}
 * @param maxSessions       {@code max_sessions}
 * @param startupsPerSource {@code max_startups_per_source}
 * @param startups          {@code max_startups}
 * @param proxyProtocolFrom {@code proxy_protocol_from}
 */
public record FrontDoor(Duration loginGraceTime, List<String> penaltyExempt, int maxSessionsPerKey, int maxSessions,
                        Startups startupsPerSource, Startups startups, List<String> proxyProtocolFrom) {
    /**
     * Puts the front door on {@code sshd}: penalties per source, caps on logged-in sessions, MaxStartups-style limits
     * on connections not logged in yet, and the PROXY protocol from the listed balancers (which are never penalised
     * themselves: the clients their headers name are).
     *
     * @return the gate the transport asks about each connection it accepts, before it becomes a session
     */
    public AdmissionGate install(SshServer sshd) {
        SourcePenalties penalties = new SourcePenalties(Stream.concat(penaltyExempt.stream(), proxyProtocolFrom.stream())
                .map(Cidr::parse).toList(), Clock.systemUTC());
        sshd.addSessionListener(penalties);
        sshd.addSessionListener(new SessionCaps(maxSessionsPerKey, maxSessions));
        TrustedProxies balancers = trustedProxies();
        PreAuthLimits limits = new PreAuthLimits(startupsPerSource, startups, balancers);
        sshd.addSessionListener(limits);
        AdmissionGate gate = new AdmissionGate(penalties, limits, balancers);
        if (!balancers.isEmpty()) {
            sshd.setServerProxyAcceptor(new ProxyProtocolAcceptor(balancers, gate, limits));
        }
        return gate;
    }

    /** Marks a session that ran out of login grace time: its source earns a penalty when it closes. */
    public static void graceExceeded(Session session) {
        session.setAttribute(SourcePenalties.GRACE_EXCEEDED, true);
    }

    /** The load balancers, parsed. */
    public TrustedProxies trustedProxies() {
        return new TrustedProxies(proxyProtocolFrom.stream().map(Cidr::parse).toList());
    }
}

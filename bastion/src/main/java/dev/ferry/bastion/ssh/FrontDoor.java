package dev.ferry.bastion.ssh;

import dev.ferry.bastion.net.Cidr;
import dev.ferry.bastion.net.TrustedProxies;
import java.time.Duration;
import java.util.List;

/**
 * How the bastion treats connections before and around login: the values of the front door's settings, checked
 * where they are declared ({@code host.HostSettings}, whose keys these are).
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
    /** The load balancers, parsed. */
    public TrustedProxies trustedProxies() {
        return new TrustedProxies(proxyProtocolFrom.stream().map(Cidr::parse).toList());
    }
}

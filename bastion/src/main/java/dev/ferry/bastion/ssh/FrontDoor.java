package dev.ferry.bastion.ssh;

import dev.ferry.bastion.net.Cidr;
import dev.ferry.bastion.net.TrustedProxies;
import java.time.Duration;
import java.util.List;

/**
 * How the bastion treats connections before and around login, checked once here; messages name the config keys.
 *
 * @param loginGraceTime    {@code login_grace_time_seconds}: how long a connection may take to log in, like sshd's
 *                          LoginGraceTime (5..600); default 60. One that runs out earns its source a penalty
 * @param penaltyExempt     {@code penalty_exempt}: addresses and networks ({@code ["10.0.0.0/8"]}) whose failed
 *                          logins earn no penalty (monitoring, a load balancer's checks); default none
 * @param maxSessionsPerKey {@code max_sessions_per_key}: logged-in connections one key may hold at once
 *                          (1..100000); default 200. ControlMaster shares one connection among many sessions
 * @param maxSessions       {@code max_sessions}: logged-in connections in all (1..1000000); default 20000
 * @param startupsPerSource {@code max_startups_per_source}: connections not logged in yet from one address (IPv6:
 *                          one address too), as MaxStartups {@code start:rate:full}; default 64:30:256, so that
 *                          50 honest parallel logins from one address (Ansible's forks) are never dropped
 * @param startups          {@code max_startups}: the same in all; default 256:30:1024
 * @param proxyProtocolFrom {@code proxy_protocol_from}: the load balancers ({@code ["10.0.0.9"]}) whose
 *                          connections start with a PROXY protocol header (v1 or v2) naming the real client, on
 *                          the SSH port and the API's; a header from anywhere else is refused. Default none
 */
public record FrontDoor(Duration loginGraceTime, List<String> penaltyExempt, int maxSessionsPerKey, int maxSessions,
                        Startups startupsPerSource, Startups startups, List<String> proxyProtocolFrom) {
    // one key may hold half the whole: Ansible keeps one ControlMaster connection per VPS through the bastion, so a
    // deploy key reaching 1,000 VPS holds 1,000 honest connections (OpenSSH has no such cap, Teleport's is off)
    public static final FrontDoor DEFAULTS = new FrontDoor(Duration.ofSeconds(60), List.of(), 10_000, 20_000,
            new Startups(64, 30, 256), new Startups(256, 30, 1024), List.of());

    public FrontDoor {
        if (loginGraceTime == null || loginGraceTime.toSeconds() < 5 || loginGraceTime.toSeconds() > 600) {
            throw new IllegalArgumentException("login_grace_time_seconds must be between 5 and 600, got "
                    + (loginGraceTime == null ? "nothing" : loginGraceTime.toSeconds()));
        }
        penaltyExempt = networks("penalty_exempt", penaltyExempt);
        proxyProtocolFrom = networks("proxy_protocol_from", proxyProtocolFrom);
        if (maxSessionsPerKey < 1 || maxSessionsPerKey > 100_000) {
            throw new IllegalArgumentException("max_sessions_per_key must be between 1 and 100000, got "
                    + maxSessionsPerKey);
        }
        if (maxSessions < 1 || maxSessions > 1_000_000) {
            throw new IllegalArgumentException("max_sessions must be between 1 and 1000000, got " + maxSessions);
        }
        java.util.Objects.requireNonNull(startupsPerSource, "max_startups_per_source");
        java.util.Objects.requireNonNull(startups, "max_startups");
    }

    private static List<String> networks(String key, List<String> networks) {
        List<String> list = List.copyOf(networks == null ? List.of() : networks);
        for (String network : list) {
            try {
                Cidr.parse(network);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage());
            }
        }
        return list;
    }

    /** The same with these sources never penalised. */
    public FrontDoor withPenaltyExempt(List<String> networks) {
        return new FrontDoor(loginGraceTime, networks, maxSessionsPerKey, maxSessions, startupsPerSource, startups,
                proxyProtocolFrom);
    }

    /** The same with PROXY protocol headers taken from these load balancers. */
    public FrontDoor withProxyProtocolFrom(List<String> balancers) {
        return new FrontDoor(loginGraceTime, penaltyExempt, maxSessionsPerKey, maxSessions, startupsPerSource, startups,
                balancers);
    }

    /** The load balancers, parsed. */
    public TrustedProxies trustedProxies() {
        return new TrustedProxies(proxyProtocolFrom.stream().map(Cidr::parse).toList());
    }
}

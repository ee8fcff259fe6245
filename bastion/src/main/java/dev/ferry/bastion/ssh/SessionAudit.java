package dev.ferry.bastion.ssh;

import dev.ferry.bastion.log.AuditLog;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.metrics.Metrics;
import dev.ferry.bastion.ssh.frontdoor.ClientAddress;
import dev.ferry.bastion.ssh.route.Login;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each session its log context and logs logins and closes. The key recorded is the one whose
 * signature MINA verified, not merely one the client offered.
 */
final class SessionAudit implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(SessionAudit.class);
    private final AtomicLong counter = new AtomicLong();
    private final LongSupplier numbers;

    /** @param numbers the numbers of sessions' ids, unique across the Hosts of a registry and their restarts */
    SessionAudit(LongSupplier numbers) {
        this.numbers = numbers;
    }

    /** How many connections the bastion has accepted since it started. */
    long sessionsAccepted() {
        return counter.get();
    }

    @Override
    public void sessionCreated(Session session) {
        counter.incrementAndGet();
        session.setAttribute(SessionInfo.TAG, "s" + numbers.getAsLong());
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated) {
            return;
        }
        Login login = session.getAttribute(SessionInfo.ADMITTED);
        String fingerprint = session.getAttribute(SessionInfo.CREDENTIAL);
        if (login == null || fingerprint == null) {
            throw new IllegalStateException("authenticated without an admitted login");
        }
        SessionInfo info = new SessionInfo(session.getAttribute(SessionInfo.TAG), client(session), login,
                session.getUsername(), fingerprint, Instant.now(), session.getIoSession() != null
                && session.getIoSession().getLocalAddress() instanceof InetSocketAddress local ? local : null,
                new SessionTraffic());
        session.setAttribute(SessionInfo.KEY, info);
        log.info("{} login with {} ({})", info.context(), ClientCa.describe(fingerprint), login.describe());
        info.audit("login").put("as", login.describe()).write();
        Metrics.LOGINS.labelValues("accepted").inc();
        Metrics.SESSIONS.labelValues(kind(login)).inc();
    }

    @Override
    public void sessionClosed(Session session) {
        SessionInfo info = SessionInfo.of(session);
        if (info != null) {
            long seconds = Duration.between(info.since(), Instant.now()).toSeconds();
            log.info("{} closed after {} s", info.context(), seconds);
            info.audit("session_closed").put("seconds", seconds).write();
            Metrics.SESSIONS.labelValues(kind(info.login())).dec();
        } else if (Boolean.TRUE.equals(session.getAttribute(ClientAddress.BALANCER_ITSELF))
                && session.getAttribute(SessionInfo.USER_TRIED) == null) {
            // a load balancer's health check, every second or two: not worth a line
            log.debug("{} the load balancer's own connection closed", session.getAttribute(SessionInfo.TAG));
        } else {
            Integer tried = session.getAttribute(SessionInfo.KEYS_TRIED);
            log.info("{} from {} closed without logging in (user '{}', {} key(s) refused)",
                    session.getAttribute(SessionInfo.TAG), client(session),
                    session.getAttribute(SessionInfo.USER_TRIED), tried == null ? 0 : tried);
            AuditLog.event("no_login").put("session", session.getAttribute(SessionInfo.TAG))
                    .put("user", session.getAttribute(SessionInfo.USER_TRIED)).put("client", client(session))
                    .put("keys_refused", tried == null ? 0 : tried).write();
            if (tried != null && tried > 0) {
                Metrics.LOGINS.labelValues("refused").inc();
            }
        }
    }

    /** The metrics' label for what a user name asked for. */
    private static String kind(Login login) {
        return login instanceof Login.Jump ? "jump" : "vps";
    }

    private static String client(Session session) {
        InetSocketAddress a = ClientAddress.of(session);
        return a == null ? "an unknown address" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}

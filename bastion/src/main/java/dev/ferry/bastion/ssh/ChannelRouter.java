package dev.ferry.bastion.ssh;

import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.metrics.Metrics;
import dev.ferry.bastion.ssh.route.RegistryRouting;
import dev.ferry.bastion.ssh.route.Route;
import dev.ferry.bastion.ssh.route.Routing;
import dev.ferry.bastion.vps.Endpoint;
import java.time.Duration;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what each channel a client opens asks for and asks the {@link Routing} contract what it becomes:
 * a direct-tcpip channel dialing a VPS's sshd, a channel bridged into the container, or a refusal whose
 * sentence the client prints. No channel ever runs anything on the bastion itself.
 */
final class ChannelRouter {
    private static final Logger log = LoggerFactory.getLogger(ChannelRouter.class);
    /** Channel types a client may open inside the container (plain mode). */
    static final String SESSION = "session";
    static final String DIRECT_TCPIP = "direct-tcpip";
    static final String DIRECT_STREAMLOCAL = "direct-streamlocal@openssh.com";

    /**
     * A channel the routing allowed.
     *
     * @param label     how the log names it
     * @param requested the host:port a direct-tcpip channel asked for, or the socket of a direct-streamlocal one,
     *                  printable; else empty
     */
    record Routed(Route route, String label, String requested) {
    }

    /** Refusals one session may have logged: one line a second, which says how many were left out. */
    private static final LogThrottle NOISE = new LogThrottle(Duration.ofSeconds(1));

    private final Routing routing;

    ChannelRouter(Routing routing) {
        this.routing = routing;
    }

    Routing routing() {
        return routing;
    }

    /**
     * @param buffer positioned at the channel type's own data (for direct-tcpip: host, port, originator)
     * @return a {@link Route.Dial} or {@link Route.Bridge}, never a refusal
     * @throws SshChannelOpenException with the reason code and the sentence the client shows
     */
    Routed route(Session session, String type, Buffer buffer) throws SshChannelOpenException {
        SessionInfo info = SessionInfo.of(session);
        if (info == null) {
            throw refuse(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "not authenticated");
        }
        Routed routed = decide(session, info, type, buffer);
        session.setAttribute(AccessSweep.SERVED, Boolean.TRUE); // its VPS serves it: stopping it now ends it
        return routed;
    }

    private Routed decide(Session session, SessionInfo info, String type, Buffer buffer)
            throws SshChannelOpenException {
        switch (type) {
            case DIRECT_TCPIP:
                return directTcpip(info, buffer);
            case SESSION:
                if (Boolean.TRUE.equals(session.getAttribute(NoMoreSessionsHandler.NO_MORE_SESSIONS))) {
                    throw refuse(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                            "no more sessions on this connection: the client asked for that (no-more-sessions)");
                }
                return allowed(info, routing.inside(info.login(), info.fingerprint(), Routing.Purpose.SESSION),
                        "session");
            case DIRECT_STREAMLOCAL:
                String path = RegistryRouting.printable(buffer.getString());
                return allowed(info, routing.inside(info.login(), info.fingerprint(), Routing.Purpose.LOCAL_FORWARD),
                        "forward to socket " + path, path);
            default:
                int more = NOISE.admit(info.tag() + " type");
                if (more >= 0) {
                    log.info("{} {} channel refused{}", info.context(), RegistryRouting.printable(type),
                            NOISE.more(more));
                }
                throw refuse(SshConstants.SSH_OPEN_UNKNOWN_CHANNEL_TYPE,
                        "the bastion does not open '" + RegistryRouting.printable(type) + "' channels");
        }
    }

    private Routed directTcpip(SessionInfo info, Buffer buffer) throws SshChannelOpenException {
        String host = buffer.getString();
        int port = (int) Math.min(buffer.getUInt(), Integer.MAX_VALUE);
        String requested = RegistryRouting.printable(Endpoint.hostPort(host, port));
        Route route = routing.directTcpip(info.login(), info.fingerprint(), host, port);
        return allowed(info, route, route instanceof Route.Bridge ? "forward to " + requested + " inside the VPS"
                : "forward " + requested, requested);
    }

    private static Routed allowed(SessionInfo info, Route route, String label) throws SshChannelOpenException {
        return allowed(info, route, label, "");
    }

    private static Routed allowed(SessionInfo info, Route route, String label, String requested)
            throws SshChannelOpenException {
        if (route instanceof Route.Refuse refuse) {
            String reason = refuse.reason(info.reachedAt());
            Metrics.REFUSED.inc();
            int more = NOISE.admit(info.tag() + " refused");
            if (more >= 0) { // a client may ask again and again: the log and the audit take one a second
                log.info("{} {} refused: {}{}", info.context(), label, reason, NOISE.more(more));
                info.audit("channel_refused").put("channel", label).put("reason", reason)
                        .put("not_logged_before", Math.max(more, 0)).write();
            }
            throw refuse(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, reason);
        }
        return new Routed(route, label, requested);
    }

    private static SshChannelOpenException refuse(int code, String text) {
        return new SshChannelOpenException(0, code, text);
    }
}

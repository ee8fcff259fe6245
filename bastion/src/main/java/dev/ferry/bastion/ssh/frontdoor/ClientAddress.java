package dev.ferry.bastion.ssh.frontdoor;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * The address of the client a session serves: the one a listed load balancer's PROXY header named, else the TCP
 * peer. Logs, penalties, the pre-auth limits and the audit all ask here, so that behind a balancer they see the
 * real client rather than the balancer.
 */
public final class ClientAddress {
    /** Set by {@link ProxyProtocolAcceptor} when the header named a client. */
    static final AttributeKey<InetSocketAddress> PROXIED = new AttributeKey<>();
    /** Set when the balancer spoke for itself (PROXY v1 UNKNOWN, v2 LOCAL): its health checks. */
    public static final AttributeKey<Boolean> BALANCER_ITSELF = new AttributeKey<>();

    private ClientAddress() {
    }

    /** The client's address, or null when the session has no network peer (tests' in-memory sessions). */
    public static InetSocketAddress of(Session session) {
        InetSocketAddress proxied = session.getAttribute(PROXIED);
        if (proxied != null) {
            return proxied;
        }
        SocketAddress peer = session.getIoSession() == null ? null : session.getIoSession().getRemoteAddress();
        return peer instanceof InetSocketAddress a ? a : null;
    }
}

package dev.ferry.bastion.ssh.frontdoor;

import dev.ferry.bastion.Text;
import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.net.TrustedProxies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.ServerProxyAcceptor;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the PROXY protocol header (v1 or v2) that a listed load balancer sends before the client's SSH greeting,
 * and decides on the client it names as the front door decides at accept on a direct one: a penalised source, or
 * one over the pre-auth limits, is closed here. Connections from anywhere else are left as they are: a header
 * they send is no SSH greeting, and MINA closes them for it.
 */
final class ProxyProtocolAcceptor implements ServerProxyAcceptor {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolAcceptor.class);

    private final TrustedProxies balancers;
    private final AdmissionGate gate;
    private final PreAuthLimits limits;
    /** A balancer sending garbage is logged once a minute, not once a connection. */
    private final LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1));

    ProxyProtocolAcceptor(TrustedProxies balancers, AdmissionGate gate, PreAuthLimits limits) {
        this.balancers = balancers;
        this.gate = gate;
        this.limits = limits;
    }

    @Override
    public boolean acceptServerProxyMetadata(ServerSession session, Buffer buffer) throws Exception {
        if (!balancers.contains(session.getIoSession().getRemoteAddress())) {
            return true;
        }
        InetSocketAddress balancer = (InetSocketAddress) session.getIoSession().getRemoteAddress();
        ProxyHeader header;
        try {
            header = ProxyHeader.parse(buffer.array(), buffer.rpos(), buffer.available());
        } catch (IllegalArgumentException e) {
            int more = throttle.admit(balancer.getAddress().getHostAddress());
            if (more >= 0) {
                log.warn("connection from load balancer {} closed: {}{}", balancer.getAddress().getHostAddress(),
                        Text.printable(e.getMessage(), 200), throttle.more(more));
            }
            throw new IOException("no PROXY header from the load balancer", e);
        }
        if (header == ProxyHeader.INCOMPLETE) {
            return false;
        }
        // MINA calls again, from the header on, while the client's greeting after it is not whole
        buffer.rpos(buffer.rpos() + header.length());
        if (session.getAttribute(ClientAddress.PROXIED) != null) {
            return true;
        }
        // the balancer's own connections (health checks) stay the balancer's
        InetSocketAddress client = header.source() != null ? header.source() : balancer;
        if (header.source() == null) {
            session.setAttribute(ClientAddress.BALANCER_ITSELF, true);
        }
        session.setAttribute(ClientAddress.PROXIED, client);
        if (!gate.admits(client.getAddress())) {
            // closed as quietly as at accept: an exception here would be two warnings a refused connection
            session.close(true);
            return false;
        }
        limits.count(session);
        return true;
    }
}

package dev.ferry.bastion.ssh.jump;


import dev.ferry.bastion.vps.Endpoint;
import java.util.Set;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/**
 * Defence in depth under {@link VpsDialChannel}: MINA's forwarding code may dial only an address a channel
 * of this session resolved and checked, and nothing listens, forwards agents or X11 on the bastion.
 */
public final class DialFilter implements ForwardingFilter {
    /** The addresses this session's dials resolved and checked ({@link VpsDialChannel}); only these are allowed. */
    public static final AttributeKey<Set<Endpoint>> APPROVED = new AttributeKey<>();


    @Override
    public boolean canConnect(TcpForwardingFilter.Type type, SshdSocketAddress address, Session session) {
        if (type != TcpForwardingFilter.Type.Direct) {
            return false;
        }
        Set<Endpoint> approved = session.getAttribute(APPROVED);
        return approved != null && approved.stream().anyMatch(e -> e.host().equals(address.getHostName())
                && e.port() == address.getPort());
    }

    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
        return false;
    }

    @Override
    public boolean canForwardAgent(Session session, String requestType) {
        return false;
    }

    @Override
    public boolean canForwardX11(Session session, String requestType) {
        return false;
    }
}

package dev.ferry.bastion.ssh.frontdoor;

import dev.ferry.bastion.net.TrustedProxies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides on each accepted connection before MINA makes an SSH session of it, as OpenSSH's sshd decides before it
 * forks: a penalised source, and a connection over the pre-auth limits, are closed there. A refused connection
 * costs no session, no greeting, no key exchange and no log line of its own, so a source that hammers the port
 * spends little of the Host. (A listener that closed the session in {@code sessionCreated} instead left the
 * listeners after it, MINA's own timeout tracker among them, to see the session created after it had closed: they
 * kept it for ever, and the pre-auth counts grew until everyone's connections were dropped.)
 */
public final class AdmissionGate {
    private static final Logger log = LoggerFactory.getLogger(AdmissionGate.class);

    private final SourcePenalties penalties;
    private final PreAuthLimits limits;
    /** Connections through these are decided on once their PROXY header named the client. */
    private final TrustedProxies balancers;

    AdmissionGate(SourcePenalties penalties, PreAuthLimits limits, TrustedProxies balancers) {
        this.penalties = penalties;
        this.limits = limits;
        this.balancers = balancers;
    }

    /** Whether a connection from {@code from} may become a session. */
    boolean admits(InetAddress from) {
        Optional<String> refusal = penalties.refusal(from);
        if (refusal.isPresent()) {
            log.debug("connection from {} refused: {}", from.getHostAddress(), refusal.get());
            return false;
        }
        if (limits.drops(from)) {
            penalties.dropped(from);
            return false;
        }
        return true;
    }

    /**
     * Whether this accepted connection may become a session; a balancer's are decided on once its PROXY header
     * named the client.
     */
    public boolean admits(AsynchronousSocketChannel socket) throws IOException {
        return !(socket.getRemoteAddress() instanceof InetSocketAddress remote) || balancers.contains(remote)
                || admits(remote.getAddress());
    }
}

package dev.ferry.bastion.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenSSH's keepalives ({@code ClientAliveInterval}/{@code ClientAliveCountMax}, {@code ServerAlive...} on the
 * client side), for both of the bastion's kinds of connection: the users' and, in plain mode, its own to a VPS's
 * sshd. Every interval a {@code keepalive@openssh.com} request goes out; any answer proves the peer is there (OpenSSH
 * answers with a failure); once more than the allowed number went unanswered, the peer is given up.
 */
public final class Keepalive {
    private static final Logger log = LoggerFactory.getLogger(Keepalive.class);
    /** The request's name, as OpenSSH sends it. */
    public static final String REQUEST = "keepalive@openssh.com";

    /** The connection kept alive. */
    public interface Peer {
        /** Whether a keepalive can go now (not during a key exchange); a round that cannot go is not counted. */
        boolean ready();

        /** Sends {@code request}, a keepalive wanting a reply; {@code answered} runs at its reply. */
        void send(Buffer request, Runnable answered) throws IOException;

        /** The peer left {@code missed} keepalives unanswered: end the connection. */
        void silent(int missed);
    }

    private final AtomicInteger missed = new AtomicInteger();
    private final ScheduledFuture<?> task;

    private Keepalive(Session session, String context, Duration interval, int maxMissed, Peer peer) {
        task = SshTimer.every(interval.toMillis(), () -> round(session, context, maxMissed, peer));
    }

    /**
     * Starts keeping {@code session} alive, first after one interval.
     *
     * @return null when {@code interval} is zero: keepalives are off
     */
    public static Keepalive start(Session session, String context, Duration interval, int maxMissed, Peer peer) {
        return interval.toMillis() <= 0 ? null : new Keepalive(session, context, interval, maxMissed, peer);
    }

    private void round(Session session, String context, int maxMissed, Peer peer) {
        try {
            if (!session.isOpen()) {
                stop();
                return;
            }
            if (!peer.ready()) {
                return;
            }
            int now = missed.incrementAndGet();
            if (now > maxMissed) {
                stop();
                peer.silent(now - 1);
                return;
            }
            Buffer b = session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 32);
            b.putString(REQUEST);
            b.putBoolean(true);
            peer.send(b, () -> missed.set(0));
        } catch (IOException | RuntimeException e) {
            // a housekeeping task must not die silently, nor take the session down on its own
            log.warn("{} keepalive failed: {}", context, e.toString());
        }
    }

    /** Stops the keepalives: the connection ends. */
    public void stop() {
        task.cancel(false);
    }
}

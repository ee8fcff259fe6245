package dev.ferry.bastion.ssh.plain;

import dev.ferry.bastion.ssh.Keepalive;
import dev.ferry.bastion.ssh.route.Upstream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bastion's own connection to the container's sshd for one user connection: made at the first channel or forward
 * that needs it (those that come while it is being made wait for it), to one VPS only, kept alive, and closed with the
 * user's connection.
 */
final class UpstreamLink {
    private static final Logger log = LoggerFactory.getLogger(UpstreamLink.class);

    /** Something waiting for the connection. */
    interface Waiter {
        void ready(ClientSession upstream) throws IOException;

        void failed(BridgeFailure why);
    }

    private final BridgedConnection bridge;
    private final UpstreamConnector connector;
    private final UpstreamRequests requests;
    private final String context;
    private final String fingerprint;
    /** The container's connection ended: what was relayed over it ends too. */
    private final Runnable gone;

    private final Object lock = new Object();
    private ClientSession upstream;
    private boolean connecting;
    /** The VPS whose sshd {@link #upstream} is (or is being) connected to. */
    private long vps;
    private boolean closed;
    private final List<Waiter> waiting = new ArrayList<>();
    private Keepalive keepalive;

    UpstreamLink(BridgedConnection bridge, UpstreamConnector connector, UpstreamRequests requests, String context,
                 String fingerprint, Runnable gone) {
        this.bridge = bridge;
        this.connector = connector;
        this.requests = requests;
        this.context = context;
        this.fingerprint = fingerprint;
        this.gone = gone;
    }

    /** The connection now, or null while there is none. */
    ClientSession current() {
        synchronized (lock) {
            return upstream;
        }
    }

    /** Gives {@code w} the connection to {@code target}'s sshd, at once or once it is made; or why there is none. */
    void use(Upstream target, Waiter w) {
        boolean start = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if ((upstream != null || connecting) && target.vpsId() != vps) {
                // one connection to one VPS's sshd: a channel checked for another VPS never opens in this one
                w.failed(new BridgeFailure(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "this connection is "
                        + "bridged to vps-" + vps + ", not " + target.label() + "; open a new connection"));
                return;
            }
            if (upstream != null) {
                hand(w, upstream);
                return;
            }
            waiting.add(w);
            if (!connecting) {
                connecting = true;
                vps = target.vpsId();
                start = true;
            }
        }
        if (start) {
            connector.connect(target, bridge, context, fingerprint, this::ready, this::failed);
        }
    }

    private static void hand(Waiter w, ClientSession up) {
        try {
            w.ready(up);
        } catch (IOException | RuntimeException e) {
            // the container's connection is going away; its close will reach the user
            w.failed(new BridgeFailure(SshConstants.SSH_OPEN_CONNECT_FAILED, "the bastion lost its connection to "
                    + "the VPS while opening this channel; try again"));
        }
    }

    private void ready(ClientSession up) {
        synchronized (lock) {
            connecting = false;
            if (closed) {
                up.close(true);
                return;
            }
            upstream = up;
            up.addCloseFutureListener(f -> ended(up));
            waiting.forEach(w -> hand(w, up));
            waiting.clear();
            keepalive = Keepalive.start(up, context, connector.keepaliveInterval(), connector.keepaliveMaxMissed(),
                    new Keepalive.Peer() {
                        @Override
                        public boolean ready() {
                            return true;
                        }

                        @Override
                        public void send(Buffer request, Runnable answered) throws IOException {
                            requests.send(up, request, (ok, payload) -> answered.run());
                        }

                        @Override
                        public void silent(int missed) {
                            log.warn("{} the VPS's sshd did not answer {} keepalives {} ms apart: closing the bridge",
                                    context, missed, connector.keepaliveInterval().toMillis());
                            up.close(true);
                        }
                    });
        }
    }

    private void failed(BridgeFailure why) {
        List<Waiter> failed;
        synchronized (lock) {
            connecting = false;
            failed = new ArrayList<>(waiting);
            waiting.clear();
        }
        failed.forEach(w -> w.failed(why));
    }

    private void ended(ClientSession up) {
        synchronized (lock) {
            if (upstream == up) {
                upstream = null;
                stopKeepalive();
            }
        }
        gone.run();
    }

    /** The user's connection ends: the container's goes too, at once, and nothing waits for it any more. */
    void close() {
        ClientSession up;
        List<Waiter> failed;
        synchronized (lock) {
            closed = true;
            up = upstream;
            upstream = null;
            failed = new ArrayList<>(waiting);
            waiting.clear();
            stopKeepalive();
        }
        failed.forEach(w -> w.failed(new BridgeFailure(SshConstants.SSH_OPEN_CONNECT_FAILED,
                "the connection is closing")));
        if (up != null) {
            up.close(true);
        }
    }

    private void stopKeepalive() {
        if (keepalive != null) {
            keepalive.stop();
            keepalive = null;
        }
    }
}

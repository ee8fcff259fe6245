package dev.ferry.bastion.ssh;

import dev.ferry.api.ChannelView;
import dev.ferry.bastion.Text;
import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.sessions.Recordings;
import dev.ferry.bastion.ssh.jump.VpsDialChannel;
import dev.ferry.bastion.ssh.plain.BridgedConnection;
import dev.ferry.bastion.ssh.plain.ReplyOrder;
import dev.ferry.bastion.ssh.plain.UpstreamConnector;
import dev.ferry.bastion.ssh.route.Login;
import dev.ferry.bastion.ssh.route.Route;
import dev.ferry.bastion.ssh.route.Routing;
import dev.ferry.bastion.vps.DialGuard;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.kex.KexState;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bastion's connection service. It takes over channel opening from MINA, whose own handling keeps
 * only the reason code of a refusal and replaces its text, because the reason text is what the user
 * reads ({@code open failed: administratively prohibited: vps-123 is paused; ...}). It also keeps the user's
 * connection alive ({@link Keepalive}).
 */
final class BastionConnectionService extends ServerConnectionService {
    private static final Logger log = LoggerFactory.getLogger(BastionConnectionService.class);
    private static final LogThrottle NOISE = new LogThrottle(Duration.ofSeconds(1));

    /** Global requests a plain-mode login's container handles: remote forwards and their cancels. */
    static final Set<String> BRIDGED_REQUESTS = Set.of("tcpip-forward", "cancel-tcpip-forward",
            "streamlocal-forward@openssh.com", "cancel-streamlocal-forward@openssh.com");

    private final ChannelRouter router;
    private final UpstreamConnector connector;
    private final DialGuard guard;
    private final ReplyOrder replies = new ReplyOrder(this::sendReply);
    private volatile BridgedConnection bridge;
    private final Duration keepaliveInterval;
    private final int keepaliveMaxMissed;
    private volatile Keepalive keepalive;
    private final Recordings recordings;

    BastionConnectionService(AbstractServerSession session, ChannelRouter router, UpstreamConnector connector,
                             DialGuard guard, Duration keepaliveInterval, int keepaliveMaxMissed,
                             Recordings recordings) throws SshException {
        super(session);
        this.recordings = recordings;
        this.router = router;
        this.connector = connector;
        this.guard = guard;
        this.keepaliveInterval = keepaliveInterval;
        this.keepaliveMaxMissed = keepaliveMaxMissed;
    }

    @Override
    protected void channelOpen(Buffer buffer) throws Exception {
        String type = buffer.getString();
        long sender = buffer.getUInt();
        long remoteWindow = buffer.getUInt();
        long remotePacket = buffer.getUInt();
        int typeSpecific = buffer.rpos();
        if (isClosing()) {
            sendChannelOpenFailure(buffer, sender, SshConstants.SSH_OPEN_CONNECT_FAILED,
                    "the bastion is shutting down", "");
            return;
        }
        Channel channel;
        long channelId;
        try {
            ChannelRouter.Routed routed = router.route(getSession(), type, buffer);
            buffer.rpos(typeSpecific); // the channel reads its type-specific data again in doInit
            if (routed.route() instanceof Route.Bridge bridge) {
                byte[] typeData = new byte[buffer.available()];
                buffer.getRawBytes(typeData);
                bridge().openFromUser(bridge.upstream(), type, routed.label(), routed.requested(), sender,
                        remoteWindow, remotePacket,
                        typeData);
                return;
            }
            channel = new VpsDialChannel((Route.Dial) routed.route(), SessionInfo.of(getSession()),
                    routed.requested(), guard);
            channelId = registerChannel(channel);
        } catch (SshChannelOpenException refused) {
            sendChannelOpenFailure(buffer, sender, refused.getReasonCode(), refused.getMessage(), "");
            return;
        } catch (IllegalStateException tooMany) {
            sendChannelOpenFailure(buffer, sender, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE,
                    "too many channels open on this connection; close some and try again", "");
            return;
        } catch (RuntimeException e) {
            // one failed lookup must not take down the connection and every jump multiplexed on it
            log.error("{} opening a {} channel failed", context(), type, e);
            sendChannelOpenFailure(buffer, sender, SshConstants.SSH_OPEN_CONNECT_FAILED,
                    "the bastion cannot check this request right now (internal error); try again", "");
            return;
        }
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelOpenSuccess(Channel c) {
                confirm(c, sender, channelId);
            }
        });
        channel.open(sender, remoteWindow, remotePacket, buffer).addListener(f -> {
            if (f.isOpened()) {
                return;
            }
            Throwable t = f.getException();
            int code = t instanceof SshChannelOpenException e ? e.getReasonCode() : SshConstants.SSH_OPEN_CONNECT_FAILED;
            String text = t != null && t.getMessage() != null ? t.getMessage() : "the channel could not be opened";
            try {
                sendChannelOpenFailure(null, sender, code, text, "");
            } catch (IOException e) {
                getSession().exceptionCaught(e);
            }
        });
    }

    /** Messages for bridged channels go to the bridge; the rest to MINA's own channels. */
    @Override
    public void process(int cmd, Buffer buffer) throws Exception {
        BridgedConnection b = bridge;
        if (b != null && cmd >= SshConstants.SSH_MSG_CHANNEL_OPEN_CONFIRMATION
                && cmd <= SshConstants.SSH_MSG_CHANNEL_FAILURE) {
            long recipient = buffer.rawUInt(buffer.rpos());
            if (b.owns(recipient)) {
                b.fromUser(cmd, buffer);
                return;
            }
            if (!channels.containsKey(recipient)) {
                // a late message for a bridged channel already closed on both sides
                log.debug("{} message {} for closed channel {} dropped", context(), cmd, recipient);
                return;
            }
        }
        super.process(cmd, buffer);
    }

    /**
     * A plain-mode login's remote forwards (-R) are made by the container's sshd; every other global request
     * is answered here. Replies leave in the order of the requests either way ({@link ReplyOrder}).
     */
    @Override
    protected IoWriteFuture globalRequest(Buffer buffer) throws Exception {
        SessionInfo info = SessionInfo.of(getSession());
        if (info == null || !(info.login() instanceof Login.ToVps)) {
            return super.globalRequest(buffer);
        }
        int start = buffer.rpos();
        String request = buffer.getString();
        boolean wantReply = buffer.getBoolean();
        if (request.startsWith("keepalive@") || request.startsWith("keep-alive@")) {
            // MINA's handler answers at once, past replies still waiting for the container
            if (wantReply) {
                replies.complete(replies.reserve(), true, null);
            }
            return AbstractIoWriteFuture.fulfilled(request, Boolean.TRUE);
        }
        if (!BRIDGED_REQUESTS.contains(request)) {
            buffer.rpos(start);
            return super.globalRequest(buffer);
        }
        ReplyOrder.Slot slot = wantReply ? replies.reserve() : null;
        Route route = router.routing().inside(info.login(), info.fingerprint(), Routing.Purpose.REMOTE_FORWARD);
        if (route instanceof Route.Bridge b) {
            byte[] data = new byte[buffer.available()];
            buffer.getRawBytes(data);
            bridge().globalFromUser(b.upstream(), request, wantReply, data, replies, slot);
        } else {
            int more = NOISE.admit(info.tag() + " forward refused");
            if (more >= 0) { // a client may ask again and again: one line a second
                log.info("{} {} refused: {}{}", info.context(), request, ((Route.Refuse) route).reason(
                        info.reachedAt()), NOISE.more(more));
            }
            if (wantReply) {
                replies.complete(slot, false, null);
            }
        }
        return AbstractIoWriteFuture.fulfilled(request, Boolean.TRUE);
    }

    /** MINA logs each at WARN: a client can send them at will, so they are logged at a bounded rate. */
    @Override
    protected IoWriteFuture handleUnknownRequest(Buffer buffer, String req, boolean wantReply) throws IOException {
        int more = NOISE.admit(getSession().getAttribute(SessionInfo.TAG) + " unknown request");
        if (more >= 0) {
            log.info("{} global request '{}' unknown: refused{}", context(), Text.printable(req, 60), NOISE.more(more));
        }
        return sendGlobalResponse(buffer, req, RequestHandler.Result.Unsupported, wantReply);
    }

    @Override
    protected IoWriteFuture sendGlobalResponse(Buffer buffer, String req, RequestHandler.Result result,
                                               boolean wantReply) throws IOException {
        if (bridge == null || !wantReply || result == RequestHandler.Result.Replied) {
            return super.sendGlobalResponse(buffer, req, result, wantReply);
        }
        replies.complete(replies.reserve(), result == RequestHandler.Result.ReplySuccess, null);
        return AbstractIoWriteFuture.fulfilled(req, Boolean.TRUE);
    }

    private void sendReply(ReplyOrder.Slot slot) {
        try {
            byte[] payload = slot.payload();
            Buffer b = getSession().createBuffer(slot.success() ? SshConstants.SSH_MSG_REQUEST_SUCCESS
                    : SshConstants.SSH_MSG_REQUEST_FAILURE, payload.length + 8);
            b.putRawBytes(payload);
            getSession().writePacket(b);
        } catch (IOException e) {
            getSession().exceptionCaught(e);
        }
    }

    /** The plain-mode bridge of this connection, made at its first bridged channel or forward. */
    private BridgedConnection bridge() {
        synchronized (replies) {
            if (bridge == null) {
                SessionInfo info = SessionInfo.of(getSession());
                bridge = new BridgedConnection(getSession(), this::getNextChannelId, connector, info.context(),
                        info.fingerprint(), recordings == null ? null : recordings.start(info.subject()));
            }
            return bridge;
        }
    }

    private void confirm(Channel c, long sender, long channelId) {
        try {
            LocalWindow window = c.getLocalWindow();
            Buffer b = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN_CONFIRMATION, Integer.SIZE);
            b.putUInt(sender);
            b.putUInt(channelId);
            b.putUInt(window.getSize());
            b.putUInt(window.getPacketSize());
            getSession().writePacket(b);
        } catch (IOException e) {
            getSession().exceptionCaught(e);
        }
    }

    @Override
    public void start() {
        super.start();
        AbstractServerSession s = getSession();
        keepalive = Keepalive.start(s, context(), keepaliveInterval, keepaliveMaxMissed, new Keepalive.Peer() {
            @Override
            public boolean ready() {
                return s.getKexState() == KexState.DONE;
            }

            @Override
            public void send(Buffer request, Runnable answered) throws IOException {
                s.request(request, Keepalive.REQUEST, (cmd, reply) -> answered.run());
            }

            @Override
            public void silent(int missed) {
                log.info("{} no answer to {} keepalives {} s apart: disconnecting", context(), missed,
                        keepaliveInterval.toSeconds());
                try {
                    s.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, "ferry: no answer to " + missed
                            + " keepalives " + keepaliveInterval.toSeconds() + " s apart");
                } catch (IOException e) {
                    s.close(true);
                }
            }
        });
        if (keepalive != null && isClosing()) {
            keepalive.stop(); // closed while the task was being scheduled
        }
    }

    /** Its open channels as the live list shows them: plain mode's bridged ones, then its ProxyJump forwards. */
    List<ChannelView> channelViews() {
        List<ChannelView> views = new ArrayList<>();
        BridgedConnection b = bridge;
        if (b != null) {
            views.addAll(b.openChannels());
        }
        for (Channel c : getChannels()) {
            if (c instanceof VpsDialChannel forward) {
                forward.view().ifPresent(views::add);
            }
        }
        return views;
    }

    private String context() {
        SessionInfo info = SessionInfo.of(getSession());
        return info == null ? String.valueOf(getSession().getAttribute(SessionInfo.TAG)) : info.context();
    }

    @Override
    protected void preClose() {
        Keepalive keepalive = this.keepalive;
        if (keepalive != null) {
            keepalive.stop();
        }
        BridgedConnection b = bridge;
        if (b != null) {
            b.close();
        }
        super.preClose();
    }
}

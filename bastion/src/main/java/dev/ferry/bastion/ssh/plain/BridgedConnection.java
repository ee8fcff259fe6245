package dev.ferry.bastion.ssh.plain;

import dev.ferry.api.ChannelView;
import dev.ferry.bastion.Text;
import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.sessions.SessionRecorder;
import dev.ferry.bastion.ssh.SessionInfo;
import dev.ferry.bastion.ssh.route.Upstream;
import dev.ferry.bastion.vps.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain mode for one user connection: the channels and forwards relayed between the user and the container's sshd,
 * over the bastion's own connection to it ({@link UpstreamLink}).
 *
 * <p>Channels are relayed message by message, as they come: every request with its exact bytes (pty modes,
 * env, signals, x11, agent), the container's answer to each, data, EOF, exit-status after the data it
 * follows, close. Only channel ids are rewritten ({@link ChannelTable} keeps them). Window sizes pass through
 * unchanged, so flow control runs end to end between the user's client and the container's sshd. A peer that
 * ignores its window (the tenant controls both ends) is held back by {@link Backpressure}: what waits for the
 * other side stays bounded. Nothing here ever waits: every write is queued by MINA.
 */
public final class BridgedConnection {
    private static final Logger log = LoggerFactory.getLogger(BridgedConnection.class);
    /** Channel types the container may open towards the user: -R forwards, the agent, X11. */
    static final Set<String> FROM_CONTAINER = Set.of("forwarded-tcpip", "forwarded-streamlocal@openssh.com",
            "auth-agent@openssh.com", "x11");
    /** Forwards one connection may have waiting for the container's answer at once. */
    static final int MAX_PENDING_REQUESTS = 64;
    private static final LogThrottle NOISE = new LogThrottle(Duration.ofSeconds(10));

    private final Session user;
    private final String context;
    private final ChannelTable channels;
    private final BridgeWire wire;
    private final UpstreamRequests requests;
    private final UpstreamLink upstream;
    private final AtomicInteger pendingRequests = new AtomicInteger();
    private final SessionRecorder recorder;
    /** A channel of this connection went to a VPS whose sessions must be recorded. */
    private volatile boolean recordingRequired;

    /**
     * @param user        the user's SSH session
     * @param ids         channel ids of the user's connection, shared with the bastion's own channels
     * @param context     the log prefix of the user's session
     * @param fingerprint the user's key, named in the certificate's key id
     * @param recorder    what records the session, or null
     */
    public BridgedConnection(Session user, LongSupplier ids, UpstreamConnector connector, String context,
                             String fingerprint, SessionRecorder recorder) {
        this.user = user;
        this.context = context;
        this.recorder = recorder;
        this.channels = new ChannelTable(ids, user, context, recorder);
        if (recorder != null) {
            recorder.onDrained(this::releaseWindow);
            recorder.onFailed(this::unrecordable);
        }
        this.wire = new BridgeWire(user, this::upstreamIo);
        this.requests = new UpstreamRequests(wire);
        this.upstream = new UpstreamLink(this, connector, requests, context, fingerprint, this::upstreamGone);
    }

    private IoSession upstreamIo() {
        ClientSession up = upstream.current();
        return up == null ? null : up.getIoSession();
    }

    /**
     * Logs a refusal or oddity a peer can repeat at will (a container flooding channel opens wrote 100,000 lines
     * in the security review): one line per connection and kind every 10 s, which says how many were left out.
     */
    private void noisy(String kind, Consumer<String> line) {
        int more = NOISE.admit(context + " " + kind);
        if (more >= 0) {
            line.accept(NOISE.more(more));
        }
    }

    /** Whether this id is a channel relayed here. */
    public boolean owns(long id) {
        return channels.owns(id);
    }

    /**
     * The user opens a channel to be opened inside the container: session, direct-tcpip, direct-streamlocal.
     *
     * @param requested what a forward reaches, as the user asked for it; "" for a session
     * @param typeData  the channel type's own data, passed on as it came
     */
    public void openFromUser(Upstream target, String type, String label, String requested, long userId, long window,
                             long maxPacket, byte[] typeData) {
        if (target.recordingRequired()) {
            recordingRequired = true;
            String why = recorder == null ? "this Host records nothing" : recorder.unrecordable();
            if (why != null) {
                noisy("unrecordable", more -> log.warn("{} {} refused: {} requires recording and it fails: {}{}",
                        context, label, target.label(), why, more));
                wire.refuse(user, userId, new BridgeFailure(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                        target.label() + " requires its sessions to be recorded, and this Host cannot record them "
                                + "now (" + why + "); try again later, or ask its admin"));
                return;
            }
        }
        BridgedChannel c = channels.add(type, label, true, requested);
        if (c == null) {
            wire.refuse(user, userId, new BridgeFailure(SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, "too many channels "
                    + "open on this connection (" + ChannelTable.MAX_CHANNELS + "); close some and try again"));
            return;
        }
        c.userId = userId;
        upstream.use(target, new UpstreamLink.Waiter() {
            @Override
            public void ready(ClientSession up) throws IOException {
                wire.open(up, type, c.local, window, maxPacket, typeData, 0, typeData.length);
            }

            @Override
            public void failed(BridgeFailure why) {
                channels.refused(c);
                noisy("refused", more -> log.info("{} {} refused: {}{}", context, label, why.text(), more));
                wire.refuse(user, userId, why);
            }
        });
    }

    /**
     * The user asks for a forward the container must make (tcpip-forward, streamlocal-forward and their
     * cancels); the container's answer, with its payload (the port it chose for port 0), goes back in order.
     */
    public void globalFromUser(Upstream target, String request, boolean wantReply, byte[] data,
                               ReplyOrder replies, ReplyOrder.Slot slot) {
        if (pendingRequests.incrementAndGet() > MAX_PENDING_REQUESTS) {
            pendingRequests.decrementAndGet();
            noisy("forwards waiting", more -> log.warn("{} {} refused: {} forwards already wait for the container's "
                    + "answer{}", context, request, MAX_PENDING_REQUESTS, more));
            if (wantReply) {
                replies.complete(slot, false, null);
            }
            return;
        }
        upstream.use(target, new UpstreamLink.Waiter() {
            @Override
            public void ready(ClientSession up) throws IOException {
                Buffer out = up.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, data.length + 64);
                out.putString(request);
                out.putBoolean(wantReply);
                out.putRawBytes(data);
                if (!wantReply) {
                    pendingRequests.decrementAndGet();
                }
                requests.send(up, out, wantReply ? (ok, payload) -> {
                    pendingRequests.decrementAndGet();
                    if (!ok) {
                        noisy("forward refused", more -> log.info("{} {} refused by {}'s sshd{}", context, request,
                                target.label(), more));
                    }
                    replies.complete(slot, ok, payload);
                } : null);
            }

            @Override
            public void failed(BridgeFailure why) {
                pendingRequests.decrementAndGet();
                noisy("refused", more -> log.info("{} {} refused: {}{}", context, request, why.text(), more));
                if (wantReply) {
                    replies.complete(slot, false, null);
                }
            }
        });
    }

    /** A message from the user for a relayed channel; {@code buffer} is positioned at the recipient id. */
    public void fromUser(int cmd, Buffer buffer) throws IOException {
        BridgedChannel c = channels.get(buffer.getUInt());
        ClientSession up = upstream.current();
        if (c == null) {
            return;
        }
        switch (cmd) {
            case SshConstants.SSH_MSG_CHANNEL_OPEN_CONFIRMATION -> {
                if (!c.awaitsUser()) {
                    stray("the user's client", cmd, c);
                    return;
                }
                c.userId = buffer.getUInt();
                if (up == null || c.isLost()) {
                    // the container's connection ended while the user was confirming: close it for the user
                    c.upstreamClosed();
                    wire.send(user, SshConstants.SSH_MSG_CHANNEL_CLOSE, c.userId, null);
                    return;
                }
                channels.opened(c); // before the confirmation: what the peer sends next finds it open
                wire.confirm(up, c.upstreamId, c.local, buffer);
                log.info("{} {} from the container open", context, c.label);
            }
            case SshConstants.SSH_MSG_CHANNEL_OPEN_FAILURE -> {
                if (!c.awaitsUser()) {
                    stray("the user's client", cmd, c);
                    return;
                }
                channels.refused(c);
                if (up != null && !c.isLost()) {
                    wire.send(up, cmd, c.upstreamId, buffer);
                }
            }
            case SshConstants.SSH_MSG_CHANNEL_CLOSE -> {
                boolean both = c.userClosed();
                // also when the container closed first: its sshd frees the channel only on this reply
                if (up != null && !c.isLost()) {
                    wire.send(up, cmd, c.upstreamId, buffer);
                }
                if (both) {
                    channels.ended(c);
                }
            }
            default -> {
                if (up != null && !c.isClosedByUpstream()) {
                    relay(c, true, up, cmd, buffer);
                }
            }
        }
    }

    /** A message from the container for a relayed channel; {@code buffer} is positioned at the recipient id. */
    void fromUpstream(int cmd, Buffer buffer) throws IOException {
        BridgedChannel c = channels.get(buffer.getUInt());
        if (c == null) {
            return;
        }
        switch (cmd) {
            case SshConstants.SSH_MSG_CHANNEL_OPEN_CONFIRMATION -> {
                if (!c.awaitsContainer()) {
                    stray("the container", cmd, c);
                    return;
                }
                c.upstreamId = buffer.getUInt();
                channels.opened(c); // before the confirmation: the user's requests may follow it at once
                wire.confirm(user, c.userId, c.local, buffer);
                log.info("{} {} open", context, c.label);
            }
            case SshConstants.SSH_MSG_CHANNEL_OPEN_FAILURE -> {
                if (!c.awaitsContainer()) {
                    stray("the container", cmd, c);
                    return;
                }
                channels.refused(c);
                int at = buffer.rpos();
                long code = buffer.getUInt();
                String why = buffer.getString();
                buffer.rpos(at);
                noisy("refused by the container", more -> log.info("{} {} refused by the container's sshd (code "
                        + "{}): {}{}", context, c.label, code, Text.printable(why, 200), more));
                wire.send(user, cmd, c.userId, buffer);
            }
            case SshConstants.SSH_MSG_CHANNEL_CLOSE -> {
                boolean both = c.upstreamClosed();
                if (c.userId != BridgedChannel.UNKNOWN) {
                    wire.send(user, cmd, c.userId, buffer);
                }
                if (both) {
                    channels.ended(c);
                }
            }
            default -> {
                if (c.userId != BridgedChannel.UNKNOWN && c.upstreamId != BridgedChannel.UNKNOWN) {
                    relay(c, false, user, cmd, buffer);
                }
            }
        }
    }

    /**
     * The one place a relayed channel's data, extended data, window adjustments, EOF, requests and their answers pass
     * through, both ways, once both sides know the channel: what the bastion sees of a session (its bytes; a recording
     * hooks in here).
     *
     * @param toVps whether it goes from the user to the container
     */
    private void relay(BridgedChannel c, boolean toVps, Session to, int cmd, Buffer buffer) throws IOException {
        switch (cmd) {
            case SshConstants.SSH_MSG_CHANNEL_DATA -> {
                int at = buffer.rpos();
                long n = buffer.rawUInt(at);
                (toVps ? c.toVps : c.fromVps).addAndGet(n);
                if (recorder != null && n <= buffer.available() - 4) {
                    recorder.data(c.local, toVps, buffer.array(), at + 4, (int) n);
                }
            }
            case SshConstants.SSH_MSG_CHANNEL_EXTENDED_DATA -> {
                int at = buffer.rpos();
                long n = buffer.available() >= 8 ? buffer.rawUInt(at + 4) : 0;
                (toVps ? c.toVps : c.fromVps).addAndGet(n);
                if (recorder != null && n > 0 && n <= buffer.available() - 8) {
                    recorder.data(c.local, toVps, buffer.array(), at + 8, (int) n);
                }
            }
            case SshConstants.SSH_MSG_CHANNEL_WINDOW_ADJUST -> {
                if (toVps && recorder != null) {
                    synchronized (c) {
                        if (recorder.holding(c.local)) {
                            // the recording waits for the disk: the container gets no more window until it caught up
                            c.heldWindow += buffer.rawUInt(buffer.rpos());
                            return;
                        }
                    }
                }
            }
            case SshConstants.SSH_MSG_CHANNEL_REQUEST -> {
                ChannelRequest r = ChannelRequest.read(buffer);
                if (toVps) {
                    c.asked(r);
                }
                if (recorder != null && toVps != r.name().startsWith("exit-")) {
                    recorder.request(c.local, r.name(), r.text(), r.number(), r.rows());
                }
            }
            default -> {
            }
        }
        wire.send(to, cmd, toVps ? c.upstreamId : c.userId, buffer);
    }

    /** The session can no longer be recorded: where its VPS requires recording, it ends, with why. */
    private void unrecordable(String why) {
        if (!recordingRequired || !user.isOpen() || user.isClosing()) {
            return;
        }
        String sentence = "this session's VPS requires its sessions to be recorded, and this one can no longer be ("
                + why + "): it ends";
        log.warn("{} ended: {}", context, sentence);
        SessionInfo info = SessionInfo.of(user);
        if (info != null) {
            info.audit("session_ended").put("reason", sentence).write();
        }
        try {
            user.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, "ferry: " + sentence);
        } catch (IOException | RuntimeException e) {
            user.close(true);
        }
    }

    /** A channel's recording caught up: the window held from the container goes to it now. */
    private void releaseWindow(long local) {
        BridgedChannel c = channels.get(local);
        ClientSession up = upstream.current();
        if (c == null || up == null) {
            return;
        }
        long window;
        synchronized (c) {
            window = c.heldWindow;
            c.heldWindow = 0;
        }
        if (window == 0 || c.isClosedByUpstream() || c.isLost()) {
            return;
        }
        try {
            Buffer out = up.createBuffer(SshConstants.SSH_MSG_CHANNEL_WINDOW_ADJUST, 16);
            out.putUInt(c.upstreamId);
            out.putUInt(window);
            wire.write(up, out);
        } catch (IOException e) {
            log.debug("{} could not pass the held window on: {}", context, e.toString());
        }
    }

    /** A message the protocol does not allow now for this channel (a second answer to its open): dropped. */
    private void stray(String who, int cmd, BridgedChannel c) {
        noisy(who + " stray message", more -> log.warn("{} {} sent message {} for {} that it may not send: dropped{}",
                context, who, cmd, c.label, more));
    }

    /** The container opens a channel towards the user: a -R connection, the agent, X11. */
    void openFromUpstream(Buffer buffer) throws IOException {
        String type = buffer.getString();
        long sender = buffer.getUInt();
        long window = buffer.getUInt();
        long maxPacket = buffer.getUInt();
        ClientSession up = upstream.current();
        if (up == null) {
            return;
        }
        BridgedChannel c = FROM_CONTAINER.contains(type) ? channels.add(type, type, false, origin(type, buffer))
                : null;
        if (c == null) {
            String printable = Text.printable(type, 60);
            noisy("container's channel", more -> log.warn("{} the container opened a '{}' channel towards the user: "
                    + "refused{}", context, printable, more));
            wire.refuse(up, sender, new BridgeFailure(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                    "the bastion relays only forwarded-tcpip, agent and x11 channels to the user"));
            return;
        }
        c.upstreamId = sender;
        wire.open(user, type, c.local, window, maxPacket, buffer.array(), buffer.rpos(), buffer.available());
    }

    /** Where a channel the container opens comes from: the forwarded port or socket of a -R. */
    private static String origin(String type, Buffer buffer) {
        int at = buffer.rpos();
        try {
            return switch (type) {
                case "forwarded-tcpip" -> {
                    String host = buffer.getString();
                    yield Text.printable(Endpoint.hostPort(host, (int) Math.min(buffer.getUInt(), 65535)), 300);
                }
                case "forwarded-streamlocal@openssh.com" -> Text.printable(buffer.getString(), 300);
                default -> "";
            };
        } catch (RuntimeException malformed) {
            return "";
        } finally {
            buffer.rpos(at);
        }
    }

    /** The container sent a global request the bastion does not know (it is refused). */
    void unknownRequestFromUpstream(String request) {
        noisy("container's request", more -> log.warn("{} the container sent a global request '{}' the bastion does "
                + "not know: refused{}", context, Text.printable(request, 60), more));
    }

    /** The container answers a global request the bastion sent it (a user's forward or a keepalive). */
    void replyFromUpstream(int cmd, Buffer buffer) {
        requests.reply(cmd, buffer);
    }

    /** The channels open both ways now, as the live list shows them. */
    public List<ChannelView> openChannels() {
        return channels.open().stream().map(c -> new ChannelView(c.local, c.kind(), c.detail(), null,
                c.openedAt.toString(), c.toVps.get(), c.fromVps.get())).toList();
    }

    /** The user's connection ends: the container's goes too, at once. */
    public void close() {
        upstream.close();
        // a user who vanishes sends no close: each channel's audit line is written here
        channels.all().forEach(channels::ended);
        if (recorder != null) {
            recorder.close();
        }
    }

    /** The container's connection ended: every channel on it ends for the user too. */
    private void upstreamGone() {
        requests.failAll();
        for (BridgedChannel c : channels.all()) {
            c.lose();
            if (c.userId == BridgedChannel.UNKNOWN) {
                c.upstreamClosed(); // opened by the container: closed for the user once it confirms
            } else if (c.awaitsContainer()) {
                channels.refused(c);
                wire.refuse(user, c.userId, new BridgeFailure(SshConstants.SSH_OPEN_CONNECT_FAILED,
                        "the connection to the VPS closed while this channel was opening"));
            } else if (!c.isClosedByUpstream()) {
                boolean both = c.upstreamClosed();
                try {
                    wire.send(user, SshConstants.SSH_MSG_CHANNEL_CLOSE, c.userId, null);
                } catch (IOException e) {
                    log.debug("{} could not tell the user: {}", context, e.toString());
                }
                if (both) {
                    channels.ended(c);
                }
            }
        }
        if (user.isOpen() && !user.isClosing()) {
            // as a direct connection would: its forwards, agent socket and sessions are gone with it
            log.info("{} the connection to the VPS's sshd closed: disconnecting the user", context);
            try {
                user.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, "ferry: the connection to the VPS's "
                        + "sshd closed");
            } catch (IOException | RuntimeException e) {
                user.close(true);
            }
        }
    }
}

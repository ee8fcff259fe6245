package dev.ferry.bastion.ssh.plain;

import dev.ferry.bastion.Text;
import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.metrics.Metrics;
import dev.ferry.bastion.ssh.SshTimer;
import dev.ferry.bastion.ssh.SessionInfo;
import dev.ferry.bastion.ssh.route.Upstream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plain mode for one user connection: the bastion's own SSH connection to the container's sshd (one per
 * user connection, made at the first channel or forward that needs it) and the channels relayed over it.
 *
 * <p>Channels are relayed message by message, as they come: every request with its exact bytes (pty modes,
 * env, signals, x11, agent), the container's answer to each, data, EOF, exit-status after the data it
 * follows, close. Only channel ids are rewritten. Window sizes pass through unchanged, so flow control runs
 * end to end between the user's client and the container's sshd. A peer that ignores its window (the tenant
 * controls both ends) is held back by {@link Backpressure}: what waits for the other side stays bounded.
 * Nothing here ever waits: every write is queued by MINA.
 */
public final class BridgedConnection {
    private static final Logger log = LoggerFactory.getLogger(BridgedConnection.class);
    /** Channel types the container may open towards the user: -R forwards, the agent, X11. */
    static final Set<String> FROM_CONTAINER = Set.of("forwarded-tcpip", "forwarded-streamlocal@openssh.com",
            "auth-agent@openssh.com", "x11");
    /** Relayed channels one connection may hold at once (VS Code opens many, not thousands). */
    static final int MAX_CHANNELS = 256;
    /** Forwards one connection may have waiting for the container's answer at once. */
    static final int MAX_PENDING_REQUESTS = 64;
    private static final String KEEPALIVE = "keepalive@openssh.com";
    private static final LogThrottle NOISE = new LogThrottle(Duration.ofSeconds(10));

    /** Why a channel or forward could not be bridged: the SSH reason code and the user's sentence. */
    public record Failure(int code, String text) {
    }

    /** Something waiting for the upstream connection. */
    private interface Waiter {
        void ready(ClientSession upstream) throws IOException;

        void failed(Failure why);
    }

    private final Session user;
    private final LongSupplier ids;
    private final UpstreamConnector connector;
    private final String context;
    private final String fingerprint;
    private final Map<Long, BridgedChannel> channels = new ConcurrentHashMap<>();
    /** Who gets each reply to a global request sent upstream, in the order they were sent. */
    private final Deque<BiConsumer<Boolean, byte[]>> upstreamReplies = new ArrayDeque<>();
    private final AtomicInteger missedKeepalives = new AtomicInteger();
    private final AtomicInteger pendingRequests = new AtomicInteger();

    /** Writes to the container, counted against reading the user. */
    private final Backpressure toContainer;
    /** Writes to the user, counted against reading the container. */
    private final Backpressure toUser;

    private final Object lock = new Object();
    private ClientSession upstream;
    private boolean connecting;
    /** The VPS whose sshd {@link #upstream} is (or is being) connected to. */
    private long upstreamVps;
    private boolean closed;
    private final List<Waiter> waiting = new ArrayList<>();
    private ScheduledFuture<?> keepalive;

    /**
     * @param user        the user's SSH session
     * @param ids         channel ids of the user's connection, shared with the bastion's own channels
     * @param context     the log prefix of the user's session
     * @param fingerprint the user's key, named in the certificate's key id
     */
    public BridgedConnection(Session user, LongSupplier ids, UpstreamConnector connector, String context,
                             String fingerprint) {
        this.user = user;
        this.ids = ids;
        this.connector = connector;
        this.context = context;
        this.fingerprint = fingerprint;
        this.toContainer = new Backpressure(user::getIoSession);
        this.toUser = new Backpressure(() -> {
            ClientSession up = current();
            return up == null ? null : up.getIoSession();
        });
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
        return channels.containsKey(id);
    }

    /**
     * The user opens a channel to be opened inside the container: session, direct-tcpip, direct-streamlocal.
     *
     * @param typeData the channel type's own data, passed on as it came
     */
    public void openFromUser(Upstream target, String type, String what, long userId, long window, long maxPacket,
                             byte[] typeData) throws IOException {
        if (channels.size() >= MAX_CHANNELS) {
            openFailure(user, userId, new Failure(SshConstants.SSH_OPEN_RESOURCE_SHORTAGE, "too many channels open "
                    + "on this connection (" + MAX_CHANNELS + "); close some and try again"));
            return;
        }
        BridgedChannel c = new BridgedChannel(ids.getAsLong(), type, what, true);
        c.userId = userId;
        channels.put(c.local, c);
        withUpstream(target, new Waiter() {
            @Override
            public void ready(ClientSession up) throws IOException {
                open(up, type, c.local, window, maxPacket, typeData, 0, typeData.length);
            }

            @Override
            public void failed(Failure why) {
                channels.remove(c.local);
                noisy("refused", more -> log.info("{} {} refused: {}{}", context, what, why.text(), more));
                openFailure(user, userId, why);
            }
        });
    }

    /**
     * The user asks for a forward the container must make (tcpip-forward, streamlocal-forward and their
     * cancels); the container's answer, with its payload (the port it chose for port 0), goes back in order.
     */
    public void globalFromUser(Upstream target, String request, boolean wantReply, byte[] data,
                               ReplyOrder replies, ReplyOrder.Slot slot) throws IOException {
        if (pendingRequests.incrementAndGet() > MAX_PENDING_REQUESTS) {
            pendingRequests.decrementAndGet();
            noisy("forwards waiting", more -> log.warn("{} {} refused: {} forwards already wait for the container's "
                    + "answer{}", context, request, MAX_PENDING_REQUESTS, more));
            if (wantReply) {
                replies.complete(slot, false, null);
            }
            return;
        }
        withUpstream(target, new Waiter() {
            @Override
            public void ready(ClientSession up) throws IOException {
                Buffer out = up.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, data.length + 64);
                out.putString(request);
                out.putBoolean(wantReply);
                out.putRawBytes(data);
                if (!wantReply) {
                    pendingRequests.decrementAndGet();
                }
                sendRequest(up, out, wantReply ? (ok, payload) -> {
                    pendingRequests.decrementAndGet();
                    if (!ok) {
                        noisy("forward refused", more -> log.info("{} {} refused by {}'s sshd{}", context, request,
                                target.label(), more));
                    }
                    replies.complete(slot, ok, payload);
                } : null);
            }

            @Override
            public void failed(Failure why) {
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
        ClientSession up = current();
        if (c == null) {
            return;
        }
        switch (cmd) {
            case SshConstants.SSH_MSG_CHANNEL_OPEN_CONFIRMATION -> {
                if (!awaitingUser(c, cmd)) {
                    return;
                }
                c.userId = buffer.getUInt();
                if (up == null || c.isLost()) {
                    // the container's connection ended while the user was confirming: close it for the user
                    c.upstreamClosed();
                    send(user, SshConstants.SSH_MSG_CHANNEL_CLOSE, c.userId, null);
                    return;
                }
                confirm(up, c.upstreamId, c.local, buffer);
                log.info("{} {} from the container open", context, c.what);
                opened(c);
            }
            case SshConstants.SSH_MSG_CHANNEL_OPEN_FAILURE -> {
                if (!awaitingUser(c, cmd)) {
                    return;
                }
                channels.remove(c.local);
                if (up != null && !c.isLost()) {
                    send(up, cmd, c.upstreamId, buffer);
                }
            }
            case SshConstants.SSH_MSG_CHANNEL_CLOSE -> {
                boolean both = c.userClosed();
                // also when the container closed first: its sshd frees the channel only on this reply
                if (up != null && !c.isLost()) {
                    send(up, cmd, c.upstreamId, buffer);
                }
                if (both) {
                    forget(c);
                }
            }
            default -> {
                if (cmd == SshConstants.SSH_MSG_CHANNEL_DATA) {
                    c.toVps.addAndGet(buffer.rawUInt(buffer.rpos()));
                }
                if (up != null && !c.isClosedByUpstream()) {
                    send(up, cmd, c.upstreamId, buffer);
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
                if (!awaitingContainer(c, cmd)) {
                    return;
                }
                c.upstreamId = buffer.getUInt();
                confirm(user, c.userId, c.local, buffer);
                log.info("{} {} open", context, c.what);
                opened(c);
            }
            case SshConstants.SSH_MSG_CHANNEL_OPEN_FAILURE -> {
                if (!awaitingContainer(c, cmd)) {
                    return;
                }
                channels.remove(c.local);
                int at = buffer.rpos();
                long code = buffer.getUInt();
                String why = buffer.getString();
                buffer.rpos(at);
                noisy("refused by the container", more -> log.info("{} {} refused by the container's sshd (code "
                        + "{}): {}{}", context, c.what, code, Text.printable(why, 200), more));
                send(user, cmd, c.userId, buffer);
            }
            case SshConstants.SSH_MSG_CHANNEL_CLOSE -> {
                boolean both = c.upstreamClosed();
                if (c.userId != BridgedChannel.UNKNOWN) {
                    send(user, cmd, c.userId, buffer);
                }
                if (both) {
                    forget(c);
                }
            }
            default -> {
                if (cmd == SshConstants.SSH_MSG_CHANNEL_DATA) {
                    c.fromVps.addAndGet(buffer.rawUInt(buffer.rpos()));
                }
                if (c.userId != BridgedChannel.UNKNOWN && c.upstreamId != BridgedChannel.UNKNOWN) {
                    send(user, cmd, c.userId, buffer);
                }
            }
        }
    }

    /** Only a channel the container opened, not yet answered by the user, takes the user's answer. */
    private boolean awaitingUser(BridgedChannel c, int cmd) {
        if (c.fromUser || c.userId != BridgedChannel.UNKNOWN) {
            noisy("user's stray message", more -> log.warn("{} the user's client sent message {} for {} that it may "
                    + "not send: dropped{}", context, cmd, c.what, more));
            return false;
        }
        return true;
    }

    /** Only a channel the user opened, not yet answered by the container, takes the container's answer. */
    private boolean awaitingContainer(BridgedChannel c, int cmd) {
        if (!c.fromUser || c.upstreamId != BridgedChannel.UNKNOWN) {
            noisy("container's stray message", more -> log.warn("{} the container sent message {} for {} that it "
                    + "may not send: dropped{}", context, cmd, c.what, more));
            return false;
        }
        return true;
    }

    /** The container opens a channel towards the user: a -R connection, the agent, X11. */
    void openFromUpstream(Buffer buffer) throws IOException {
        String type = buffer.getString();
        long sender = buffer.getUInt();
        long window = buffer.getUInt();
        long maxPacket = buffer.getUInt();
        ClientSession up = current();
        if (up == null) {
            return;
        }
        if (!FROM_CONTAINER.contains(type) || channels.size() >= MAX_CHANNELS) {
            String printable = Text.printable(type, 60);
            noisy("container's channel", more -> log.warn("{} the container opened a '{}' channel towards the user: "
                    + "refused{}", context, printable, more));
            openFailure(up, sender, new Failure(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                    "the bastion relays only forwarded-tcpip, agent and x11 channels to the user"));
            return;
        }
        BridgedChannel c = new BridgedChannel(ids.getAsLong(), type, type, false);
        c.upstreamId = sender;
        channels.put(c.local, c);
        open(user, type, c.local, window, maxPacket, buffer.array(), buffer.rpos(), buffer.available());
    }

    /** The container sent a global request the bastion does not know (it is refused). */
    void unknownRequestFromUpstream(String request) {
        noisy("container's request", more -> log.warn("{} the container sent a global request '{}' the bastion does "
                + "not know: refused{}", context, Text.printable(request, 60), more));
    }

    /** The container answers a global request the bastion sent it (a user's forward or a keepalive). */
    void replyFromUpstream(int cmd, Buffer buffer) {
        BiConsumer<Boolean, byte[]> who;
        synchronized (upstreamReplies) {
            who = upstreamReplies.pollFirst();
        }
        if (who != null) {
            byte[] payload = new byte[buffer.available()];
            buffer.getRawBytes(payload);
            who.accept(cmd == SshConstants.SSH_MSG_REQUEST_SUCCESS, payload);
        }
    }

    /** The user's connection ends: the container's goes too, at once. */
    public void close() {
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
        failed.forEach(w -> w.failed(new Failure(SshConstants.SSH_OPEN_CONNECT_FAILED, "the connection is closing")));
        if (up != null) {
            up.close(true);
        }
        // a user who vanishes sends no close: each channel's audit line is written here
        channels.values().forEach(this::forget);
    }

    private ClientSession current() {
        synchronized (lock) {
            return upstream;
        }
    }

    private void withUpstream(Upstream target, Waiter w) throws IOException {
        boolean start = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if ((upstream != null || connecting) && target.vpsId() != upstreamVps) {
                // one connection to one VPS's sshd: a channel checked for another VPS never opens in this one
                w.failed(new Failure(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "this connection is "
                        + "bridged to vps-" + upstreamVps + ", not " + target.label() + "; open a new connection"));
                return;
            }
            if (upstream != null) {
                try {
                    w.ready(upstream);
                } catch (IOException | RuntimeException e) {
                    // the container's connection is going away; its close will reach the user
                    w.failed(new Failure(SshConstants.SSH_OPEN_CONNECT_FAILED, "the bastion lost its connection "
                            + "to the VPS while opening this channel; try again"));
                }
                return;
            }
            waiting.add(w);
            if (!connecting) {
                connecting = true;
                upstreamVps = target.vpsId();
                start = true;
            }
        }
        if (start) {
            connector.connect(target, this, context, fingerprint, this::upstreamReady, this::upstreamFailed);
        }
    }

    private void upstreamReady(ClientSession up) {
        synchronized (lock) {
            connecting = false;
            if (closed) {
                up.close(true);
                return;
            }
            upstream = up;
            up.addCloseFutureListener(f -> upstreamGone(up));
            for (Waiter w : waiting) {
                try {
                    w.ready(up);
                } catch (IOException | RuntimeException e) {
                    w.failed(new Failure(SshConstants.SSH_OPEN_CONNECT_FAILED, "the bastion lost its connection to "
                            + "the VPS while opening this channel; try again"));
                }
            }
            waiting.clear();
            startKeepalive(up);
        }
    }

    private void upstreamFailed(Failure why) {
        List<Waiter> failed;
        synchronized (lock) {
            connecting = false;
            failed = new ArrayList<>(waiting);
            waiting.clear();
        }
        failed.forEach(w -> w.failed(why));
    }

    /** The container's connection ended: every channel on it ends for the user too. */
    private void upstreamGone(ClientSession up) {
        synchronized (lock) {
            if (upstream == up) {
                upstream = null;
                stopKeepalive();
            }
        }
        List<BiConsumer<Boolean, byte[]>> unanswered;
        synchronized (upstreamReplies) {
            unanswered = new ArrayList<>(upstreamReplies);
            upstreamReplies.clear();
        }
        unanswered.forEach(r -> r.accept(false, new byte[0]));
        for (BridgedChannel c : channels.values()) {
            c.lose();
            if (c.userId == BridgedChannel.UNKNOWN) {
                c.upstreamClosed(); // opened by the container: closed for the user once it confirms
            } else if (c.fromUser && c.upstreamId == BridgedChannel.UNKNOWN) {
                channels.remove(c.local);
                openFailure(user, c.userId, new Failure(SshConstants.SSH_OPEN_CONNECT_FAILED,
                        "the connection to the VPS closed while this channel was opening"));
            } else if (!c.isClosedByUpstream()) {
                boolean both = c.upstreamClosed();
                sendQuietly(SshConstants.SSH_MSG_CHANNEL_CLOSE, c.userId);
                if (both) {
                    forget(c);
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

    private void startKeepalive(ClientSession up) {
        long ms = connector.keepaliveInterval().toMillis();
        if (ms <= 0) {
            return;
        }
        missedKeepalives.set(0);
        keepalive = SshTimer.every(ms, () -> {
            try {
                if (missedKeepalives.incrementAndGet() > connector.keepaliveMaxMissed()) {
                    log.warn("{} the VPS's sshd did not answer {} keepalives {} ms apart: closing the bridge",
                            context, connector.keepaliveMaxMissed(), ms);
                    up.close(true);
                    return;
                }
                Buffer b = up.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 32);
                b.putString(KEEPALIVE);
                b.putBoolean(true);
                sendRequest(up, b, (ok, payload) -> missedKeepalives.set(0));
            } catch (IOException | RuntimeException e) {
                // a housekeeping task must not die silently, nor take the session down on its own
                log.warn("{} keepalive to the VPS failed: {}", context, e.toString());
            }
        });
    }

    private void stopKeepalive() {
        if (keepalive != null) {
            keepalive.cancel(false);
            keepalive = null;
        }
    }

    /** Sends a global request upstream; its reply goes to {@code onReply} (null: none wanted). */
    private void sendRequest(ClientSession up, Buffer request, BiConsumer<Boolean, byte[]> onReply)
            throws IOException {
        // the reply's owner is queued in the order the requests leave: replies come back in that order
        synchronized (upstreamReplies) {
            if (onReply != null) {
                upstreamReplies.addLast(onReply);
            }
            write(up, request);
        }
    }

    private static void opened(BridgedChannel c) {
        c.counted = true;
        Metrics.channelOpened("plain");
    }

    private void forget(BridgedChannel c) {
        if (channels.remove(c.local) == null) {
            return; // already forgotten (both closes came while the connection closed)
        }
        if (c.counted) {
            c.counted = false;
            Metrics.channelClosed("plain", c.toVps.get(), c.fromVps.get());
        }
        log.info("{} {} closed: {} bytes to the VPS, {} bytes from it, {} ms", context, c.what, c.toVps.get(),
                c.fromVps.get(), c.millis());
        SessionInfo info = SessionInfo.of(user);
        if (info != null) {
            info.audit("bridge").put("channel", c.what).put("bytes_to_vps", c.toVps.get())
                    .put("bytes_from_vps", c.fromVps.get()).put("ms", c.millis()).write();
        }
    }

    /** Opens a channel on {@code to} under the bastion's id, with the type's own data as it came. */
    private void open(Session to, String type, long local, long window, long maxPacket, byte[] data, int off,
                      int len) throws IOException {
        Buffer out = to.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, len + 64);
        out.putString(type);
        out.putUInt(local);
        out.putUInt(window);
        out.putUInt(maxPacket);
        out.putRawBytes(data, off, len);
        write(to, out);
    }

    /** Refuses the channel {@code to}'s side opened as {@code recipient}, with the reason its client shows. */
    private void openFailure(Session to, long recipient, Failure why) {
        try {
            Buffer out = to.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN_FAILURE, why.text().length() + 32);
            out.putUInt(recipient);
            out.putUInt(why.code());
            out.putString(why.text());
            out.putString("");
            write(to, out);
        } catch (IOException e) {
            to.exceptionCaught(e);
        }
    }

    private void sendQuietly(byte cmd, long recipient) {
        try {
            send(user, cmd, recipient, null);
        } catch (IOException e) {
            log.debug("{} could not tell the user: {}", context, e.toString());
        }
    }

    /** Passes an open confirmation on: the peer's id, the bastion's, then window and packet size as they came. */
    private void confirm(Session to, long recipient, long local, Buffer rest) throws IOException {
        Buffer out = to.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN_CONFIRMATION, rest.available() + 16);
        out.putUInt(recipient);
        out.putUInt(local);
        out.putRawBytes(rest.array(), rest.rpos(), rest.available());
        write(to, out);
    }

    /** Writes {@code cmd} for {@code recipient} with the rest of {@code rest} (from its read position), if any. */
    private void send(Session to, int cmd, long recipient, Buffer rest) throws IOException {
        int len = rest == null ? 0 : rest.available();
        Buffer out = to.createBuffer((byte) cmd, len + 8);
        out.putUInt(recipient);
        if (len > 0) {
            out.putRawBytes(rest.array(), rest.rpos(), len);
        }
        write(to, out);
    }

    /** Every packet the bridge sends, so that what waits for a slow or stopped reader stays bounded. */
    private void write(Session to, Buffer packet) throws IOException {
        (to == user ? toUser : toContainer).write(to, packet);
    }
}

package dev.ferry.bastion.ssh.jump;

import dev.ferry.api.ChannelView;
import dev.ferry.bastion.metrics.Metrics;
import dev.ferry.bastion.ssh.SessionInfo;
import dev.ferry.bastion.ssh.SshTimer;
import dev.ferry.bastion.ssh.route.Route;
import dev.ferry.bastion.vps.DialFailure;
import dev.ferry.bastion.vps.DialGuard;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.Vps;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.Property;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.apache.sshd.server.forward.TcpipServerChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A direct-tcpip channel to a VPS's registered sshd endpoint: the ProxyJump path. Whatever host the
 * client named, the request is rewritten to the endpoint the routing decided on, so this channel can
 * dial nothing else. MINA's {@link TcpipServerChannel} does the connect and the flow-controlled pump;
 * this class adds the user-facing failure text and the audit line with bytes each way.
 */
public final class VpsDialChannel extends TcpipServerChannel {
    private static final Logger log = LoggerFactory.getLogger(VpsDialChannel.class);
    /**
     * How long a VPS's sshd that accepted gets to send its banner: set on the server from the config
     * ({@code banner_timeout_seconds}), which holds the default; there is none here.
     */
    public static final Property<Duration> BANNER_TIMEOUT = Property.duration("ferry-vps-banner-timeout");

    private final Vps vps;
    private final boolean hostMachine;
    private final SessionInfo session;
    private final String requested;
    private final DialGuard guard;
    private final AtomicLong toVps = new AtomicLong();
    private final AtomicLong windowGranted = new AtomicLong();
    private volatile boolean opened;
    private volatile Instant openedAt;
    private final AtomicBoolean closeLogged = new AtomicBoolean();
    private volatile long initialRemoteWindow;
    private volatile long startNanos;
    private volatile ScheduledFuture<?> silenceCheck;

    public VpsDialChannel(Route.Dial dial, SessionInfo session, String requested, DialGuard guard) {
        super(TcpForwardingFilter.Type.Direct, null);
        this.vps = dial.vps();
        this.hostMachine = dial.hostMachine();
        this.session = session;
        this.requested = requested;
        this.guard = guard;
    }

    /** The VPS this forward goes to. */
    public long vpsId() {
        return vps.id();
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        startNanos = System.nanoTime();
        buffer.getString(); // the host the client asked for; routing has already mapped it to the VPS
        buffer.getUInt();
        String originatorHost = buffer.getString();
        long originatorPort = buffer.getUInt();
        // resolved and checked here, and dialed as that address: DNS cannot move the endpoint in between; a name
        // is looked up on the guard's threads, never on this I/O thread
        CompletableFuture<InetAddress> resolving = guard.resolveAsync(vps.endpoint(), hostMachine);
        if (resolving.isDone()) {
            return dial(resolving, originatorHost, originatorPort);
        }
        OpenFuture f = new DefaultOpenFuture(this, futureLock);
        resolving.whenComplete((a, e) -> {
            OpenFuture dialing = isOpen() && !isClosing() ? dial(resolving, originatorHost, originatorPort)
                    : failed(SshConstants.SSH_OPEN_CONNECT_FAILED, vps.sshUser() + ": the channel closed meanwhile");
            dialing.addListener(d -> {
                if (d.isOpened()) {
                    f.setOpened();
                } else {
                    f.setException(d.getException());
                }
            });
        });
        return f;
    }

    /** Dials the address {@code resolved} holds, or fails the open with the guard's reason. */
    private OpenFuture dial(CompletableFuture<InetAddress> resolved, String originatorHost, long originatorPort) {
        InetAddress address;
        try {
            address = resolved.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable why = DialGuard.cause(e);
            if (why instanceof DialGuard.Refused refused) {
                log.warn("{} forward {} -> {} refused: {}", session.context(), requested, vps.endpoint(),
                        refused.getMessage());
                return failed(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, vps.sshUser() + ": "
                        + refused.getMessage());
            }
            return failed(SshConstants.SSH_OPEN_CONNECT_FAILED, DialFailure.cannotConnect(vps.sshUser(),
                    vps.endpoint(), why, elapsedMillis()));
        }
        String literal = address.getHostAddress();
        getSession().computeAttributeIfAbsent(DialFilter.APPROVED, k -> ConcurrentHashMap.newKeySet())
                .add(new Endpoint(literal, vps.endpoint().port()));
        Buffer rewritten = new ByteArrayBuffer();
        rewritten.putString(literal);
        rewritten.putUInt(vps.endpoint().port());
        rewritten.putString(originatorHost);
        rewritten.putUInt(originatorPort);
        initialRemoteWindow = getRemoteWindow().getSize();
        return super.doInit(rewritten);
    }

    @Override
    protected void handleChannelOpenSuccess(OpenFuture f, IoSession ioSession) {
        openedAt = Instant.now();
        opened = true;
        session.traffic().jump();
        Metrics.channelOpened("jump");
        log.info("{} forward {} -> {} ({}) open after {} ms", session.context(), requested, vps.endpoint(),
                vps.sshUser(), elapsedMillis());
        super.handleChannelOpenSuccess(f, ioSession);
        // An sshd speaks first. A listener that accepts and stays silent (a hung sshd, a proxy in front of
        // nothing) would hold the user for ever: it gets the banner timeout, which leaves a busy sshd time to fork.
        Duration wait = BANNER_TIMEOUT.getRequired(getSession());
        // a forward that closes cancels its check: a waiting check holds the channel and its session
        silenceCheck = SshTimer.after(wait.toMillis(), () -> {
            if (isOpen() && !isClosing() && bytesFromVps() == 0) {
                log.warn("{} forward {} -> {} ({}): its sshd sent nothing within {} ms of the connect; closing",
                        session.context(), requested, vps.endpoint(), vps.sshUser(), wait.toMillis());
                close(false); // EOF, then close, as when the VPS hangs up: the client ends at once
            }
        });
        if (isClosing()) {
            silenceCheck.cancel(false); // closed meanwhile: preClose may have looked before the check existed
        }
    }

    private OpenFuture failed(int code, String text) {
        OpenFuture f = new DefaultOpenFuture(this, futureLock);
        f.setException(new SshChannelOpenException(getChannelId(), code, text));
        return f;
    }

    /** What went to the client: what it let us send minus what is still unused of its window. */
    private long bytesFromVps() {
        return Math.max(0, initialRemoteWindow + windowGranted.get() - getRemoteWindow().getSize());
    }

    @Override
    protected void handleChannelOpenFailure(OpenFuture f, Throwable problem) {
        String sentence = DialFailure.cannotConnect(vps.sshUser(), vps.endpoint(), problem, elapsedMillis());
        String text = sentence + (vps.onRunner() ? "; " + vps.runnerNote() : "");
        log.warn("{} forward {} -> {} failed: {}", session.context(), requested, vps.endpoint(), sentence);
        super.handleChannelOpenFailure(f,
                new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED, text, problem));
    }

    @Override
    protected void doWriteData(byte[] data, int off, long len) throws IOException {
        toVps.addAndGet(len);
        super.doWriteData(data, off, len);
    }

    @Override
    public void handleWindowAdjust(Buffer buffer) throws IOException {
        windowGranted.addAndGet(buffer.rawUInt(buffer.rpos()));
        super.handleWindowAdjust(buffer);
    }

    @Override
    protected void preClose() {
        ScheduledFuture<?> check = silenceCheck;
        if (check != null) {
            check.cancel(false);
        }
        if (!opened || !closeLogged.compareAndSet(false, true)) {
            // MINA may call preClose twice (graceful, then immediate): one audit line per forward
            super.preClose();
            return;
        }
        long to = toVps.get();
        long from = bytesFromVps();
        long ms = elapsedMillis();
        log.info("{} forward {} -> {} ({}) with key {} closed: {} bytes to the VPS, {} bytes from it, {} ms",
                session.context(), requested, vps.endpoint(), vps.sshUser(), session.fingerprint(), to, from, ms);
        Metrics.channelClosed("jump", to, from);
        session.traffic().ended(to, from);
        session.audit("forward").put("target", requested).put("vps", vps.sshUser()).put("endpoint", vps.endpoint())
                .put("bytes_to_vps", to).put("bytes_from_vps", from).put("ms", ms).write();
        super.preClose();
    }

    /** This forward as the live list shows it, once it is open. */
    public Optional<ChannelView> view() {
        Instant at = openedAt;
        if (!opened || at == null || closeLogged.get()) {
            return Optional.empty();
        }
        return Optional.of(new ChannelView(getChannelId(), "jump", requested, Long.toString(vps.id()), at.toString(),
                toVps.get(), bytesFromVps()));
    }

    private long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}

package dev.ferry.bastion.ssh;

import dev.ferry.bastion.vps.Vps;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.future.OpenFuture;
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
final class VpsDialChannel extends TcpipServerChannel {
    private static final Logger log = LoggerFactory.getLogger(VpsDialChannel.class);

    private final Vps vps;
    private final SessionInfo session;
    private final String requested;
    private final AtomicLong toVps = new AtomicLong();
    private final AtomicLong windowGranted = new AtomicLong();
    private volatile boolean opened;
    private final java.util.concurrent.atomic.AtomicBoolean closeLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long initialRemoteWindow;
    private volatile long startNanos;

    VpsDialChannel(Vps vps, SessionInfo session, String requested) {
        super(TcpForwardingFilter.Type.Direct, null);
        this.vps = vps;
        this.session = session;
        this.requested = requested;
    }

    @Override
    protected OpenFuture doInit(Buffer buffer) {
        startNanos = System.nanoTime();
        buffer.getString(); // the host the client asked for; routing has already mapped it to the VPS
        buffer.getUInt();
        String originatorHost = buffer.getString();
        long originatorPort = buffer.getUInt();
        Buffer rewritten = new ByteArrayBuffer();
        rewritten.putString(vps.endpoint().host());
        rewritten.putUInt(vps.endpoint().port());
        rewritten.putString(originatorHost);
        rewritten.putUInt(originatorPort);
        initialRemoteWindow = getRemoteWindow().getSize();
        return super.doInit(rewritten);
    }

    @Override
    protected void handleChannelOpenSuccess(OpenFuture f, IoSession ioSession) {
        opened = true;
        log.info("{} forward {} -> {} ({}) open after {} ms", session.context(), requested, vps.endpoint(),
                vps.sshUser(), elapsedMillis());
        super.handleChannelOpenSuccess(f, ioSession);
    }

    @Override
    protected void handleChannelOpenFailure(OpenFuture f, Throwable problem) {
        long ms = elapsedMillis();
        String why = problem instanceof ConnectException && problem.getMessage() != null
                && problem.getMessage().contains("time-out")
                ? "no answer within " + ms + " ms"
                : describe(problem) + " after " + ms + " ms";
        String text = vps.sshUser() + ": cannot connect to its sshd at " + vps.endpoint() + " (" + why + ")"
                + (vps.onRunner() ? "; runner " + vps.placement().runner() + " last reported it running at "
                        + vps.updatedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) : "");
        log.warn("{} forward {} -> {} failed: {}", session.context(), requested, vps.endpoint(), why);
        super.handleChannelOpenFailure(f,
                new SshChannelOpenException(getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED, text, problem));
    }

    private static String describe(Throwable problem) {
        String m = problem.getMessage();
        if (m == null) {
            return problem.getClass().getSimpleName();
        }
        return m.toLowerCase(java.util.Locale.ROOT).contains("refused") ? "connection refused" : m;
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
        if (!opened || !closeLogged.compareAndSet(false, true)) {
            // MINA may call preClose twice (graceful, then immediate): one audit line per forward
            super.preClose();
            return;
        }
        // what went to the client is what it let us send minus what is still unused of its window
        long fromVps = initialRemoteWindow + windowGranted.get() - getRemoteWindow().getSize();
        log.info("{} forward {} -> {} ({}) with key {} closed: {} bytes to the VPS, {} bytes from it, {} ms",
                session.context(), requested, vps.endpoint(), vps.sshUser(), session.fingerprint(), toVps.get(),
                Math.max(0, fromVps), elapsedMillis());
        super.preClose();
    }

    private long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}

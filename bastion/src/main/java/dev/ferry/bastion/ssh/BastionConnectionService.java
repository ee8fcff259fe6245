package dev.ferry.bastion.ssh;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.channel.LocalWindow;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.kex.KexState;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bastion's connection service. It takes over channel opening from MINA, whose own handling keeps
 * only the reason code of a refusal and replaces its text, because the reason text is what the user
 * reads ({@code open failed: administratively prohibited: vps-123 is paused; ...}). It also sends
 * OpenSSH-style keepalives ({@code ClientAliveInterval}/{@code ClientAliveCountMax}).
 */
final class BastionConnectionService extends ServerConnectionService {
    private static final Logger log = LoggerFactory.getLogger(BastionConnectionService.class);
    private static final String KEEPALIVE = "keepalive@openssh.com";

    private final ChannelRouter router;
    private final Duration keepaliveInterval;
    private final int keepaliveMaxMissed;
    private final AtomicInteger missed = new AtomicInteger();
    private volatile ScheduledFuture<?> keepalive;

    BastionConnectionService(AbstractServerSession session, ChannelRouter router, Duration keepaliveInterval,
                             int keepaliveMaxMissed) throws SshException {
        super(session);
        this.router = router;
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
            channel = router.route(getSession(), type, buffer);
            buffer.rpos(typeSpecific); // the channel reads its type-specific data again in doInit
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
        long ms = keepaliveInterval.toMillis();
        if (ms > 0) {
            keepalive = getSession().getFactoryManager().getScheduledExecutorService()
                    .scheduleAtFixedRate(this::sendKeepalive, ms, ms, TimeUnit.MILLISECONDS);
            if (isClosing()) {
                keepalive.cancel(false); // closed while the task was being scheduled
            }
        }
    }

    private void sendKeepalive() {
        AbstractServerSession s = getSession();
        try {
            if (!s.isOpen()) {
                keepalive.cancel(false);
                return;
            }
            if (s.getKexState() != KexState.DONE) {
                return;
            }
            if (missed.incrementAndGet() > keepaliveMaxMissed) {
                log.info("{} no answer to {} keepalives {} s apart: disconnecting", context(), keepaliveMaxMissed,
                        keepaliveInterval.toSeconds());
                s.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, "ferry: no answer to "
                        + keepaliveMaxMissed + " keepalives " + keepaliveInterval.toSeconds() + " s apart");
                return;
            }
            Buffer b = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 32);
            b.putString(KEEPALIVE);
            b.putBoolean(true);
            // OpenSSH answers with a failure; any answer proves the client is there
            s.request(b, KEEPALIVE, (cmd, reply) -> missed.set(0));
        } catch (IOException | RuntimeException e) {
            // a housekeeping task must not die silently, nor take the session down on its own
            log.warn("{} keepalive failed: {}", context(), e.toString());
        }
    }

    private String context() {
        SessionInfo info = SessionInfo.of(getSession());
        return info == null ? String.valueOf(getSession().getAttribute(SessionInfo.TAG)) : info.context();
    }

    @Override
    protected void preClose() {
        ScheduledFuture<?> keepalive = this.keepalive;
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        super.preClose();
    }
}

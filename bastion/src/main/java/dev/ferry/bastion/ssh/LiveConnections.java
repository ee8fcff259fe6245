package dev.ferry.bastion.ssh;

import dev.ferry.api.ChannelView;
import dev.ferry.api.SessionView;
import dev.ferry.bastion.DaemonThreads;
import dev.ferry.bastion.metrics.Metrics;
import dev.ferry.bastion.sessions.LocalSessions;
import dev.ferry.bastion.ssh.route.Login;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bastion's logged-in connections as the live list shows them, read from MINA's own sessions each time. */
final class LiveConnections implements LocalSessions {
    private static final Logger log = LoggerFactory.getLogger(LiveConnections.class);
    /** Channels one view lists: a connection may hold 256; the rest are counted. */
    static final int MAX_LISTED_CHANNELS = 64;
    /** How long a disconnected client has to read why before its socket is closed. */
    static final Duration DISCONNECT_GRACE = Duration.ofMillis(500);
    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("ferry-disconnect"));

    private final SshServer server;

    LiveConnections(SshServer server) {
        this.server = server;
    }

    @Override
    public List<SessionView> views() {
        List<SessionView> views = new ArrayList<>();
        for (AbstractSession session : server.getActiveSessions()) {
            SessionInfo info = SessionInfo.of(session);
            if (info != null && !session.isClosing()) {
                views.add(view(session, info));
            }
        }
        return views;
    }

    private static SessionView view(AbstractSession session, SessionInfo info) {
        BastionConnectionService service = connection(session);
        List<ChannelView> channels = service == null ? List.of() : service.channelViews();
        long to = info.traffic().endedToVps();
        long from = info.traffic().endedFromVps();
        for (ChannelView c : channels) {
            to += c.bytesToVps();
            from += c.bytesFromVps();
        }
        Login.ToVps vps = info.login() instanceof Login.ToVps v ? v : null;
        return new SessionView(info.tag(), info.user(), info.fingerprint(), info.via(), info.client(),
                vps == null ? null : Long.toString(vps.vpsId()), vps == null ? null : vps.describe(),
                vps == null ? null : vps.vpsUser(), info.traffic().mode(), null, info.since().toString(), to, from,
                channels, 0, Instant.now().toString()).withFirstChannels(MAX_LISTED_CHANNELS);
    }

    @Override
    public boolean end(String id, String reason, String by) {
        for (AbstractSession session : server.getActiveSessions()) {
            SessionInfo info = SessionInfo.of(session);
            if (info != null && info.tag().equals(id) && !session.isClosing()) {
                String why = by + " ended this session" + (reason.isEmpty() ? "" : ": " + reason);
                log.info("{} ended: {}", info.context(), why);
                info.audit("session_killed").put("by", by).put("reason", reason).write();
                disconnect(session, "ferry: " + why);
                return true;
            }
        }
        return false;
    }

    /**
     * The session's connection service, or null in the moment between its login and the client's asking for that
     * service (MINA's own lookup throws then).
     */
    static BastionConnectionService connection(Session session) {
        try {
            return session.getService(BastionConnectionService.class);
        } catch (IllegalStateException notYet) {
            return null;
        }
    }

    /** Ends a session with a sentence its user's client prints ({@code Received disconnect ...: 11: ...}). */
    static void disconnect(Session session, String message) {
        Metrics.FORCED_ENDS.inc();
        try {
            // MINA's own disconnect closes the socket the moment the message is written: a keepalive answer the
            // client sent meanwhile, unread, turns that close into a reset, and the client may lose the message it
            // had not read yet (seen once in the test suite: exit 255, no sentence). The client closes on reading
            // it; the socket is closed a moment later whatever the client does.
            Buffer b = session.createBuffer(SshConstants.SSH_MSG_DISCONNECT, message.length() + Short.SIZE);
            b.putUInt(SshConstants.SSH2_DISCONNECT_BY_APPLICATION);
            b.putString(message);
            b.putString("");
            session.writePacket(b).addListener(written -> CLOSER.schedule(() -> session.close(true),
                    DISCONNECT_GRACE.toMillis(), TimeUnit.MILLISECONDS));
        } catch (IOException | RuntimeException e) {
            session.close(true);
        }
    }
}

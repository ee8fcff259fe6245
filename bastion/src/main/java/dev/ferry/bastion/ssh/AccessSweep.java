package dev.ferry.bastion.ssh;

import dev.ferry.bastion.DaemonThreads;
import dev.ferry.bastion.metrics.Metrics;
import dev.ferry.bastion.ssh.jump.VpsDialChannel;
import dev.ferry.bastion.ssh.route.Login;
import dev.ferry.bastion.ssh.route.Routing;
import dev.ferry.bastion.ssh.route.Routing.Access;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends what access taken away leaves open (issue 18, 3): every few seconds the Host asks the routing contract
 * whether the access its open sessions rely on still holds, and ends each session (or ProxyJump forward of the
 * generic jump user) whose key was removed from its VPS, or whose VPS was removed, stopped or paused, with the
 * sentence the user's client prints. The registry is shared, so a change made through any Host reaches the
 * sessions of every Host within one round. Its one thread asks the registry, which may wait (PostgreSQL): never
 * an I/O or timer thread.
 */
final class AccessSweep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessSweep.class);
    /** How often open sessions are checked: a change takes at most this long to end them. */
    static final Duration INTERVAL = Duration.ofSeconds(2);

    private final SshServer server;
    private final Routing routing;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("ferry-access-sweep"));

    /**
     * Set on a session once its VPS served it (a channel was let through, or a round found it serving): stopping
     * or pausing the VPS then ends it. A session that logged in to a VPS already stopped never relied on it; each
     * of its channels is refused with why.
     */
    static final AttributeKey<Boolean> SERVED = new AttributeKey<>();

    /** What ends when an access goes: a whole session logged in to the VPS, or one forward to it. */
    private sealed interface Holder permits WholeSession, Forward {
        default void served() {
        }

        /** A forward exists only once its VPS answered. */
        default boolean wasServed() {
            return true;
        }
    }

    private record WholeSession(AbstractSession session, SessionInfo info) implements Holder {
        @Override
        public void served() {
            session.setAttribute(SERVED, Boolean.TRUE);
        }

        @Override
        public boolean wasServed() {
            return Boolean.TRUE.equals(session.getAttribute(SERVED));
        }
    }

    private record Forward(VpsDialChannel channel, SessionInfo info) implements Holder {
    }

    AccessSweep(SshServer server, Routing routing) {
        this.server = server;
        this.routing = routing;
    }

    void start() {
        thread.scheduleWithFixedDelay(this::sweepQuietly, INTERVAL.toMillis(), INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * A round now, on the sweep's thread: an access just went on this Host (a VPS stopped, paused or removed, a key
     * removed), so its sessions end with why before the runner has stopped the container under them (which would
     * close them with no reason the user sees).
     */
    void now() {
        try {
            thread.execute(this::sweepQuietly);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the Host is stopping: its sessions end anyway
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // the registry may be away for a moment; the next round asks again
            log.warn("checking the open sessions' access failed: {}", e.toString());
        }
    }

    /** One round: what every open session relies on, asked in one call, and the end of what no longer holds. */
    void sweep() {
        Map<Access, List<Holder>> held = new HashMap<>();
        for (AbstractSession session : server.getActiveSessions()) {
            SessionInfo info = SessionInfo.of(session);
            if (info == null || session.isClosing()) {
                continue;
            }
            if (info.login() instanceof Login.ToVps v) {
                // a session that has used plain mode relies on its login user too, which a grant may stop naming
                held.computeIfAbsent(new Access(v.vpsId(), info.fingerprint(), info.traffic().usedPlain()
                        ? v.vpsUser() : null), a -> new ArrayList<>()).add(new WholeSession(session, info));
                continue;
            }
            AbstractConnectionService service = LiveConnections.connection(session);
            for (Channel c : service == null ? List.<Channel>of() : service.getChannels()) {
                if (c instanceof VpsDialChannel forward && !forward.isClosing()) {
                    held.computeIfAbsent(new Access(forward.vpsId(), info.fingerprint()), a -> new ArrayList<>())
                            .add(new Forward(forward, info));
                }
            }
        }
        if (held.isEmpty()) {
            return;
        }
        Map<Access, Routing.Revoked> revoked = routing.revoked(held.keySet());
        held.forEach((access, holders) -> {
            Routing.Revoked r = revoked.get(access);
            for (Holder h : holders) {
                if (r == null) {
                    h.served();
                } else if (!r.notServing() || h.wasServed()) {
                    end(h, r.why());
                }
            }
        });
    }

    private static void end(Holder holder, String why) {
        if (holder instanceof WholeSession s) {
            log.info("{} ended: {}", s.info().context(), why);
            s.info().audit("session_ended").put("reason", why).write();
            LiveConnections.disconnect(s.session(), "ferry: " + why + "; this session ends");
        } else if (holder instanceof Forward f) {
            Metrics.FORCED_ENDS.inc();
            log.info("{} forward to vps-{} ended: {}", f.info().context(), f.channel().vpsId(), why);
            f.info().audit("forward_ended").put("vps", Long.toString(f.channel().vpsId())).put("reason", why).write();
            f.channel().close(false);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}

package dev.ferry.bastion.ssh;

import dev.ferry.bastion.sessions.LocalSessions;
import dev.ferry.bastion.sessions.Recordings;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.ssh.auth.BastionAuthenticator;
import dev.ferry.bastion.ssh.auth.BlindKeyQuery;
import dev.ferry.bastion.ssh.frontdoor.FrontDoor;
import dev.ferry.bastion.ssh.jump.DialFilter;
import dev.ferry.bastion.ssh.jump.VpsDialChannel;
import dev.ferry.bastion.ssh.plain.UpstreamConnector;
import dev.ferry.bastion.ssh.route.Routing;
import dev.ferry.bastion.vps.DialGuard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionDisconnectHandler;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.DirectTcpipFactory;
import org.apache.sshd.server.global.CancelTcpipForwardHandler;
import org.apache.sshd.server.global.OpenSshHostKeysHandler;
import org.apache.sshd.server.global.TcpipForwardHandler;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;
import org.apache.sshd.server.session.ServerUserAuthServiceFactory;

/**
 * The bastion: an SSH server (Apache MINA SSHD, NIO2) that authenticates users against the keys stored
 * for the VPS their user name picks, forwards ProxyJump channels to that VPS's sshd, and bridges plain
 * logins into the container over an SSH connection of its own. It never runs a shell or command itself.
 */
public final class Bastion implements AutoCloseable {
    private final SshServer server;
    /** The software version the bastion announces: {@code SSH-2.0-OpenSSH-compatible Ferry}. */
    static final String IDENTIFICATION = "OpenSSH-compatible Ferry";

    private final SessionAudit audit;
    private final UpstreamConnector upstream;
    private final AccessSweep sweep;
    private final LiveConnections live;

    private Bastion(SshServer server, UpstreamConnector upstream, SessionAudit audit, AccessSweep sweep,
                    LiveConnections live) {
        this.server = server;
        this.live = live;
        this.upstream = upstream;
        this.audit = audit;
        this.sweep = sweep;
    }

    /**
     * @param routing the routing contract every login and channel is checked against
     * @param userCa  the CA that signs plain mode's certificates for logins to VPS sshd
     * @param hostCa  the CA that certifies the bastion's host keys for {@link BastionSettings#certPrincipals()};
     *                may be null when there are none
     * @param sessionNumbers the numbers of the sessions' ids ({@code s<n>}), unique across the Hosts of a registry
     * @param recordings     where plain mode's sessions are recorded, or null: they are not
     */
    public static Bastion start(BastionSettings settings, Routing routing, KeyPair userCa, KeyPair hostCa,
                                DialGuard guard, LongSupplier sessionNumbers, Recordings recordings)
            throws IOException {
        return start(settings, routing, userCa, hostCa, null, guard, sessionNumbers, recordings);
    }

    /**
     * The same, also letting in people with a certificate from {@code clientCa} (SSO; null: no certificate is
     * taken).
     */
    public static Bastion start(BastionSettings settings, Routing routing, KeyPair userCa, KeyPair hostCa,
                                ClientCa clientCa, DialGuard guard, LongSupplier sessionNumbers,
                                Recordings recordings) throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost(settings.bind());
        sshd.setPort(settings.port());
        sshd.setKeyPairProvider(new FileKeyPairProvider(settings.hostKeys()));
        if (!settings.certPrincipals().isEmpty()) {
            sshd.setHostKeyCertificateProvider(HostCertificate.issue(hostCa, settings.hostKeys(),
                    settings.certPrincipals(), Clock.systemUTC().instant()));
        }
        Crypto.apply(sshd);

        sshd.setUserAuthFactories(List.of(BlindKeyQuery.factory(clientCa == null ? Crypto.USER_KEY_SIGNATURES
                : Crypto.USER_KEY_AND_CERTIFICATE_SIGNATURES)));
        sshd.setPublickeyAuthenticator(new BastionAuthenticator(routing, clientCa, Clock.systemUTC()));
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setPasswordAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        sshd.setGSSAuthenticator(null);

        ChannelRouter router = new ChannelRouter(routing);
        UpstreamConnector upstream = UpstreamConnector.start(userCa, routing::recordHostKey, guard, Clock.systemUTC(),
                settings.connectTimeout(), settings.bannerTimeout(), settings.keepaliveInterval(),
                settings.keepaliveMaxMissed());
        // MINA insists on one factory; every channel open goes through the router first
        sshd.setChannelFactories(List.of(DirectTcpipFactory.INSTANCE));
        sshd.setServiceFactories(List.of(ServerUserAuthServiceFactory.INSTANCE,
                new ConnectionServiceFactory(router, upstream, guard, settings.keepaliveInterval(),
                        settings.keepaliveMaxMissed(), recordings)));
        sshd.setForwardingFilter(new DialFilter());
        sshd.setGlobalRequestHandlers(List.of(KeepAliveHandler.INSTANCE, new NoMoreSessionsHandler(),
                TcpipForwardHandler.INSTANCE, CancelTcpipForwardHandler.INSTANCE, OpenSshHostKeysHandler.INSTANCE));
        sshd.setSessionDisconnectHandler(new ReadableTimeouts());
        SessionAudit audit = new SessionAudit(sessionNumbers);
        sshd.addSessionListener(audit);
        sshd.setIoServiceFactoryFactory(Transport.gated(settings.frontDoor().install(sshd)));

        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(sshd, settings.connectTimeout());
        VpsDialChannel.BANNER_TIMEOUT.set(sshd, settings.bannerTimeout());
        // no idle cut-off: keepalives decide whether a quiet client is still there
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, Duration.ZERO);
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, settings.frontDoor().loginGraceTime());
        Sockets.apply(sshd);
        // VS Code opens many forwarding channels, but not thousands: bound what one connection can hold
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(sshd, 256);
        // The OpenSSH client turns on its protocol extensions only for a server whose version starts with
        // "OpenSSH" (compat.c): without eow@openssh.com, `ssh vps@bastion cmd | head` never ends in plain mode
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, IDENTIFICATION);
        try {
            sshd.start();
        } catch (IOException | RuntimeException e) {
            sshd.stop(true); // its scheduler and I/O threads must not outlive a failed start
            upstream.close();
            throw e;
        }
        AccessSweep sweep = new AccessSweep(sshd, routing);
        sweep.start();
        return new Bastion(sshd, upstream, audit, sweep, new LiveConnections(sshd));
    }

    /** The address actually bound (the port is known only after start when 0 was asked). */
    /** An access went through this Host (a VPS stopped, paused, removed, a key taken away): its sessions end now. */
    public void accessChanged() {
        sweep.now();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(server.getHost(), server.getPort());
    }

    /** The logged-in connections, for the live list, and the way to end one. */
    public LocalSessions sessions() {
        return live;
    }

    /** How many SSH connections have been accepted since start. */
    public long sessionsAccepted() {
        return audit.sessionsAccepted();
    }

    @Override
    public void close() throws IOException {
        sweep.close();
        try {
            server.stop(true);
        } finally {
            upstream.close();
        }
    }

    /** Installs {@link BastionConnectionService} in place of MINA's own connection service. */
    private static final class ConnectionServiceFactory extends ServerConnectionServiceFactory {
        private final ChannelRouter router;
        private final UpstreamConnector upstream;
        private final DialGuard guard;
        private final Duration keepaliveInterval;
        private final int keepaliveMaxMissed;
        private final Recordings recordings;

        ConnectionServiceFactory(ChannelRouter router, UpstreamConnector upstream, DialGuard guard,
                                 Duration keepaliveInterval, int keepaliveMaxMissed, Recordings recordings) {
            this.recordings = recordings;
            this.router = router;
            this.upstream = upstream;
            this.guard = guard;
            this.keepaliveInterval = keepaliveInterval;
            this.keepaliveMaxMissed = keepaliveMaxMissed;
        }

        @Override
        public Service create(Session session) throws IOException {
            BastionConnectionService service = new BastionConnectionService((AbstractServerSession) session, router,
                    upstream, guard, keepaliveInterval, keepaliveMaxMissed, recordings);
            service.addPortForwardingEventListenerManager(this);
            return service;
        }
    }

    /** MINA sends timeouts as "Protocol error or corrupt packet"; say what happened instead. */
    private static final class ReadableTimeouts implements SessionDisconnectHandler {
        @Override
        public boolean handleTimeoutDisconnectReason(Session session, TimeoutIndicator timeout) throws IOException {
            if (timeout.getStatus() == TimeoutIndicator.TimeoutStatus.AuthTimeout) {
                FrontDoor.graceExceeded(session);
            }
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, "ferry: " + describe(timeout));
            return true;
        }

        private static String describe(TimeoutIndicator t) {
            long seconds = t.getExpiredValue() == null ? 0 : t.getExpiredValue().toSeconds();
            return switch (t.getStatus()) {
                case AuthTimeout -> "no successful authentication within " + seconds + " s";
                case IdleTimeout -> "idle for " + seconds + " s";
                default -> "timed out (" + t.getStatus() + ")";
            };
        }
    }
}

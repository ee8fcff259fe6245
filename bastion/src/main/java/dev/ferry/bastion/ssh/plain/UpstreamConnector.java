package dev.ferry.bastion.ssh.plain;

import dev.ferry.bastion.Text;
import dev.ferry.bastion.ssh.Crypto;
import dev.ferry.bastion.ssh.Sockets;
import dev.ferry.bastion.ssh.Transport;
import dev.ferry.bastion.ssh.route.Upstream;
import dev.ferry.bastion.vps.DialFailure;
import dev.ferry.bastion.vps.DialGuard;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.keys.UserCertificates;
import dev.ferry.keys.VpsPrincipals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.global.OpenSshHostKeysHandler;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientUserAuthServiceFactory;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Host's one SSH client, which logs in to VPS sshd for plain mode: no default identities, no
 * ssh_config, public key authentication with a fresh certificate per connection, and a host key check
 * against the key recorded for the VPS before anything is sent.
 */
public final class UpstreamConnector implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamConnector.class);
    /** Certificates are valid a little before now, for a container clock that lags. */
    static final Duration BACKDATE = Duration.ofMinutes(2);
    /** They are only needed for the login itself; a few minutes leave room for a slow one. */
    static final Duration VALIDITY = Duration.ofMinutes(5);

    static final AttributeKey<BridgedConnection> BRIDGE = new AttributeKey<>();
    private static final AttributeKey<Upstream> TARGET = new AttributeKey<>();
    /** Set by the host key check when it refuses: the sentence for the user. */
    private static final AttributeKey<String> HOST_KEY_PROBLEM = new AttributeKey<>();

    /**
     * Records a host key seen on the first contact with an external VPS and returns the key recorded now (an
     * earlier connection's, when one came first), or null when the VPS is gone.
     */
    @FunctionalInterface
    public interface HostKeyBook {
        String recordFirst(long vpsId, String hostKey);
    }

    private final SshClient client;
    private final KeyPair ca;
    private final HostKeyBook book;
    private final DialGuard guard;
    private final Clock clock;
    private final Duration connectTimeout;
    private final Duration keepaliveInterval;
    private final int keepaliveMaxMissed;

    private UpstreamConnector(SshClient client, KeyPair ca, HostKeyBook book, DialGuard guard, Clock clock,
                              Duration connectTimeout, Duration keepaliveInterval, int keepaliveMaxMissed) {
        this.client = client;
        this.ca = ca;
        this.book = book;
        this.guard = guard;
        this.clock = clock;
        this.connectTimeout = connectTimeout;
        this.keepaliveInterval = keepaliveInterval;
        this.keepaliveMaxMissed = keepaliveMaxMissed;
    }

    /**
     * @param connectTimeout how long a VPS's sshd gets to accept the TCP connection
     * @param bannerTimeout  how long it then gets to greet; it has 10 s more to finish the SSH login
     */
    public static UpstreamConnector start(KeyPair ca, HostKeyBook book, DialGuard guard, Clock clock,
                                          Duration connectTimeout, Duration bannerTimeout,
                                          Duration keepaliveInterval, int keepaliveMaxMissed) {
        SshClient client = SshClient.setUpDefaultClient();
        Crypto.apply(client);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setServiceFactories(List.of(ClientUserAuthServiceFactory.INSTANCE, new UpstreamService.Factory()));
        client.setGlobalRequestHandlers(List.of(KeepAliveHandler.INSTANCE, OpenSshHostKeysHandler.INSTANCE));
        UpstreamConnector connector = new UpstreamConnector(client, ca, book, guard, clock, connectTimeout,
                keepaliveInterval, keepaliveMaxMissed);
        client.setServerKeyVerifier(connector.new HostKeyCheck());
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, connectTimeout);
        CoreModuleProperties.AUTH_TIMEOUT.set(client, bannerTimeout.plusSeconds(10));
        // the bridge's own keepalives decide whether a quiet container is still there
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        Sockets.apply(client);
        client.setIoServiceFactoryFactory(Transport.outgoing());
        client.start();
        return connector;
    }

    Duration keepaliveInterval() {
        return keepaliveInterval;
    }

    int keepaliveMaxMissed() {
        return keepaliveMaxMissed;
    }

    /**
     * Connects and logs in; exactly one of {@code ready} and {@code failed} is called, on a MINA thread (or the
     * guard's lookup thread when a name does not resolve or may not be dialed).
     */
    void connect(Upstream target, BridgedConnection bridge, String context, String fingerprint,
                 Consumer<ClientSession> ready, Consumer<BridgeFailure> failed) {
        long start = System.nanoTime();
        String keyId = "ferry " + target.label() + " user " + target.loginUser() + " key " + fingerprint;
        // the VPS's principal, not the login user: no other VPS's sshd accepts it, whatever a runner reported
        KeyPair identity = UserCertificates.issue(ca, VpsPrincipals.of(target.vpsId()), keyId, clock.instant(),
                BACKDATE, VALIDITY);
        AttributeRepository attributes = AttributeRepository.ofAttributesMap(Map.of(BRIDGE, bridge, TARGET, target));
        // resolved and checked here, and dialed as that address: DNS cannot move the endpoint in between; a name is
        // looked up on the guard's threads, never on an I/O thread
        guard.resolveAsync(target.endpoint(), target.hostMachine()).whenComplete((address, problem) -> {
            if (problem != null) {
                Throwable why = DialGuard.cause(problem);
                if (why instanceof DialGuard.Refused refused) {
                    log.warn("{} bridge to {} at {} refused: {}", context, target.label(), target.endpoint(),
                            refused.getMessage());
                    failed.accept(new BridgeFailure(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                            target.label() + ": " + refused.getMessage()));
                } else {
                    failed.accept(cannotConnect(target, why, start));
                }
                return;
            }
            ConnectFuture connecting;
            try {
                connecting = client.connect(target.loginUser(), new InetSocketAddress(address,
                        target.endpoint().port()), attributes);
            } catch (IOException | RuntimeException e) {
                failed.accept(cannotConnect(target, e, start));
                return;
            }
            login(connecting, target, identity, context, start, ready, failed);
        });
    }

    private void login(ConnectFuture connecting, Upstream target, KeyPair identity, String context, long start,
                       Consumer<ClientSession> ready, Consumer<BridgeFailure> failed) {
        connecting.addListener(cf -> {
            if (!cf.isConnected()) {
                BridgeFailure why = cannotConnect(target, cf.getException(), start);
                log.warn("{} bridge to {} at {} failed: {}", context, target.label(), target.endpoint(), why.text());
                failed.accept(why);
                return;
            }
            ClientSession session = cf.getSession();
            session.addPublicKeyIdentity(identity);
            try {
                session.auth().addListener(af -> {
                    if (af.isSuccess()) {
                        log.info("{} bridge to {} at {} as {} ready after {} ms", context, target.label(),
                                target.endpoint(), target.loginUser(), millisSince(start));
                        ready.accept(session);
                        return;
                    }
                    BridgeFailure why = loginFailed(target, session, af.getException(), start);
                    log.warn("{} bridge to {} at {} as {} failed: {}", context, target.label(), target.endpoint(),
                            target.loginUser(), why.text());
                    session.close(true);
                    failed.accept(why);
                });
            } catch (IOException | RuntimeException e) {
                session.close(true);
                failed.accept(loginFailed(target, session, e, start));
            }
        });
    }

    private static BridgeFailure cannotConnect(Upstream t, Throwable problem, long start) {
        return new BridgeFailure(SshConstants.SSH_OPEN_CONNECT_FAILED, DialFailure.cannotConnect(
                t.label(), t.endpoint(), problem, millisSince(start)) + note(t));
    }

    private BridgeFailure loginFailed(Upstream t, ClientSession session, Throwable problem, long start) {
        String hostKey = session.getAttribute(HOST_KEY_PROBLEM);
        if (hostKey != null) {
            return new BridgeFailure(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, hostKey);
        }
        String m = problem == null || problem.getMessage() == null ? "" : problem.getMessage();
        if (problem instanceof SshException e
                && e.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
            return new BridgeFailure(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, t.label()
                    + "'s sshd refused the bastion's certificate for user " + t.loginUser() + ": the user does not "
                    + "exist there, its account is locked (a '!' password, which sshd without PAM refuses even for "
                    + "keys: usermod -p '*' " + t.loginUser() + "), or its sshd does not accept Ferry's certificates "
                    + "for this VPS (it needs the lines '" + String.join("' and '", VpsPrincipals.externalSshdConfig())
                    + "' in its sshd_config, that file naming " + VpsPrincipals.of(t.vpsId()) + ": ferry ca user-key "
                    + "--vps " + t.vpsId() + " prints what to install)");
        }
        if (m.toLowerCase(Locale.ROOT).contains("timeout") || m.contains("timed out")) {
                return new BridgeFailure(SshConstants.SSH_OPEN_CONNECT_FAILED, t.label() + ": its sshd at "
                    + t.endpoint() + " accepted the connection but did not complete an SSH login within "
                    + millisSince(start) + " ms" + note(t));
        }
        return new BridgeFailure(SshConstants.SSH_OPEN_CONNECT_FAILED, t.label()
                + ": the SSH login to its sshd at " + t.endpoint() + " failed after " + millisSince(start) + " ms ("
                + Text.printable(m.isEmpty() ? "connection closed" : m, 200) + ")");
    }

    /** What the runner last said, after a "; ", or nothing for an external VPS. */
    private static String note(Upstream t) {
        return t.runnerNote().isEmpty() ? "" : "; " + t.runnerNote();
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Accepts only the host key recorded for the VPS, or records the first one an external VPS shows. */
    private final class HostKeyCheck implements ServerKeyVerifier {
        @Override
        public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
            Upstream t = session.getConnectionContext().getAttribute(TARGET);
            String presented;
            try {
                presented = SshPublicKey.of(key, "").toOpenSsh();
            } catch (KeyFormatException unsupported) {
                return refuse(session, t.label() + "'s sshd presented a host key of a type the bastion does not "
                        + "accept (" + unsupported.getMessage() + ")");
            }
            String expected = t.hostKey();
            if (expected == null && t.firstContact()) {
                expected = book.recordFirst(t.vpsId(), presented);
                if (expected == null) {
                    return refuse(session, t.label() + " was removed meanwhile");
                }
                if (expected.equals(presented)) {
                    log.info("{}: its sshd's host key is {} (recorded on first contact)", t.label(),
                            fingerprint(presented));
                }
            }
            if (expected == null) {
                return refuse(session, t.label() + ": its runner has not reported the container's host key yet, so "
                        + "the bastion cannot check whom it talks to; try again in a few seconds, or see: ferry vps "
                        + "status " + t.vpsId());
            }
            if (SshPublicKey.parse(expected).sameKey(SshPublicKey.parse(presented))) {
                return true;
            }
            log.warn("{} at {} presented host key {} but {} is recorded for it: refusing to log in (possible "
                    + "interception)", t.label(), t.endpoint(), fingerprint(presented), fingerprint(expected));
            return refuse(session, t.label() + "'s sshd presented a host key (" + fingerprint(presented)
                    + ") that is not the one recorded for it (" + fingerprint(expected) + "): the bastion refuses "
                    + "to log in, as this may be an interception; " + (t.firstContact()
                    ? "if its host keys were changed on purpose, record the new one: ferry vps host-key " + t.vpsId()
                            + " --host-key FILE"
                    : "its runner reports the key of a recreated container within a heartbeat; if this persists, "
                            + "see: ferry vps status " + t.vpsId()));
        }

        private boolean refuse(ClientSession session, String why) {
            session.setAttribute(HOST_KEY_PROBLEM, why);
            return false;
        }

        private String fingerprint(String line) {
            return SshPublicKey.parse(line).fingerprint();
        }
    }

    @Override
    public void close() throws IOException {
        client.stop();
    }
}

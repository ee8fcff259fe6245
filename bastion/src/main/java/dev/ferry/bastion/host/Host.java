package dev.ferry.bastion.host;

import dev.ferry.bastion.DaemonThreads;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.api.ApiDispatcher;
import dev.ferry.bastion.api.ApiLimits;
import dev.ferry.bastion.api.ApiServer;
import dev.ferry.bastion.api.Authorizer;
import dev.ferry.bastion.api.CaRoutes;
import dev.ferry.bastion.api.FleetRoutes;
import dev.ferry.bastion.api.PeopleRoutes;
import dev.ferry.bastion.api.Router;
import dev.ferry.bastion.api.SessionRoutes;
import dev.ferry.bastion.api.VpsRoutes;
import dev.ferry.bastion.fleet.Fleet;
import dev.ferry.bastion.fleet.RunnerTrust;
import dev.ferry.bastion.fleet.VpsCertificates;
import dev.ferry.bastion.metrics.HostGauges;
import dev.ferry.bastion.metrics.Metrics;
import dev.ferry.bastion.net.Cidr;
import dev.ferry.bastion.registry.JdbcRegistry;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.several.Coordination;
import dev.ferry.bastion.several.Membership;
import dev.ferry.bastion.sessions.ArchiveUploads;
import dev.ferry.bastion.sessions.ArchiveUrl;
import dev.ferry.bastion.sessions.RecordingFiles;
import dev.ferry.bastion.sessions.RecordingRetention;
import dev.ferry.bastion.sessions.RecordingStore;
import dev.ferry.bastion.sessions.RecordingWriter;
import dev.ferry.bastion.sessions.Recordings;
import dev.ferry.bastion.sessions.SessionBoard;
import dev.ferry.bastion.sessions.SessionRecorder;
import dev.ferry.bastion.sessions.SessionNumbers;
import dev.ferry.bastion.sessions.SessionStore;
import dev.ferry.bastion.sessions.S3Archive;
import dev.ferry.bastion.sessions.WatchFeed;
import dev.ferry.bastion.several.SecretSeal;
import dev.ferry.bastion.several.SharedKeyMaterial;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.people.sso.SsoSettings;
import dev.ferry.bastion.people.sso.SsoSignIn;
import dev.ferry.bastion.api.SsoRoutes;
import dev.ferry.bastion.ssh.Bastion;
import dev.ferry.bastion.ssh.BastionSettings;
import dev.ferry.bastion.ssh.route.RegistryRouting;
import dev.ferry.bastion.vps.DialGuard;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.keys.tls.TlsPin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.HashSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Host: the registry, the bastion (SSH server) and the control API. */
public final class Host implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Host.class);

    /** The comment of the user CA's public key line, as runners and admins of external VPS see it. */
    public static final String USER_CA_COMMENT = "ferry-user-ca";

    private final DataDir dataDir;
    private final KeyPair userCa;
    private final JdbcRegistry registry;
    private final Fleet fleet;
    private final Bastion bastion;
    private final ApiServer api;
    private final TlsPin apiPin;
    private final boolean apiTls;
    private final List<String> knownHosts;
    private final ScheduledExecutorService watchdog;
    private final Coordination coordination;
    private final Membership membership;
    private final Rotation rotation;
    private final Duration runnerSilence;
    private final SessionBoard sessions;
    private final Recordings recordings;

    private Host(DataDir dataDir, KeyPair userCa, JdbcRegistry registry, Fleet fleet, Bastion bastion, ApiServer api,
                 TlsPin apiPin, boolean apiTls, List<String> knownHosts, Coordination coordination,
                 Membership membership, Rotation rotation, Duration runnerSilence, SessionBoard sessions,
                 Recordings recordings, RecordingRetention retention) {
        this.recordings = recordings;
        this.runnerSilence = runnerSilence;
        this.sessions = sessions;
        this.coordination = coordination;
        this.membership = membership;
        this.rotation = rotation;
        this.dataDir = dataDir;
        this.knownHosts = knownHosts;
        this.apiPin = apiPin;
        this.apiTls = apiTls;
        this.userCa = userCa;
        this.registry = registry;
        this.fleet = fleet;
        this.bastion = bastion;
        this.api = api;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ferry-runner-watchdog"));
        watchdog.scheduleWithFixedDelay(this::checkRunners, 5, 5, TimeUnit.SECONDS);
        watchdog.scheduleWithFixedDelay(this::takeRotations, 5, 5, TimeUnit.SECONDS);
        watchdog.scheduleWithFixedDelay(() -> {
            try {
                retention.enforce();
            } catch (RuntimeException e) {
                log.error("keeping the recordings within their retention failed; trying again in an hour", e);
            }
        }, 1, 60, TimeUnit.MINUTES);
    }

    /** Another Host's rotation of a shared secret reaches this one within a round. */
    private void takeRotations() {
        try {
            rotation.watch();
        } catch (IOException | RuntimeException e) {
            log.error("taking another Host's rotated secret failed; trying again in 5 s", e);
        }
    }

    /** The API's rotation: an I/O failure is the Host's, not the caller's. */
    private static Map<String, Object> rotate(Rotation rotation, Secret secret) {
        try {
            return rotation.rotate(secret);
        } catch (IOException e) {
            throw new FerryException(FerryException.Kind.INTERNAL, "cannot write the new " + secret.word() + ": "
                    + e.getMessage());
        }
    }

    /** The Hosts of a registry share the runners: one of them at a time marks the silent ones lost. */
    private void checkRunners() {
        try {
            if (membership.tick()) {
                fleet.checkSilence(runnerSilence);
            }
        } catch (RuntimeException e) {
            // a housekeeping loop must never die silently
            log.error("runner watchdog failed", e);
        }
    }

    public Fleet fleet() {
        return fleet;
    }

    /** What this Host agrees on with the other Hosts of its registry. */
    Coordination coordination() {
        return coordination;
    }

    /** Prepares the data directory and starts serving. Closes what it opened when a step fails. */
    public static Host start(HostConfig config) throws IOException {
        return start(config, ApiLimits.DEFAULTS);
    }

    /** {@link #start(HostConfig)} with other limits on the control API's clients (tests). */
    public static Host start(HostConfig config, ApiLimits apiLimits) throws IOException {
        SsoSettings sso = ssoSettings(config); // a secret file that cannot be read stops the start before anything
        DataDir dir = DataDir.prepare(config.dataDir());
        Clock clock = Clock.systemUTC();
        JdbcRegistry registry = JdbcRegistry.open(config.registry(), dir.root(), new Snowflake(config.instanceId()),
                clock);
        Coordination coordination = new Coordination(registry.statements(), clock);
        Membership membership;
        Rotation rotation;
        LiveSecrets secrets;
        try {
            membership = Membership.join(coordination, config.instanceId(), holder(config, dir));
            SecretSeal seal = null;
            if (!config.registry().embedded()) {
                seal = SecretSeal.fromFile(config.registry().keyFile());
                SharedKeyMaterial.sync(coordination, dir, seal);
            }
            secrets = new LiveSecrets(dir);
            rotation = new Rotation(dir, seal == null ? null : coordination, seal, secrets);
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw e;
        }
        List<Path> hostKeys = dir.hostKeys();
        KeyPair userCa = dir.userCa();
        KeyPair hostCa = dir.hostCa();
        // the bastion takes the client CA's certificates only with SSO configured here; runners are told of the CA
        // either way, so that Hosts of one registry configured apart do not tell them otherwise at every heartbeat
        ClientCa ownClientCa = new ClientCa(dir.clientCa());
        ClientCa clientCa = sso == null ? null : ownClientCa;
        String clientCaLine = ownClientCa.publicLine();
        List<String> principals = config.certPrincipals();
        ApiTls tls = dir.apiTls();
        boolean speaksTls = config.apiSpeaksTls();
        String userCaLine = userCaLine(userCa);
        Fleet fleet = new Fleet(registry, registry.runners(), clock, List.of(userCaLine), new VpsCertificates(hostCa),
                config.get(HostSettings.VPS_KEYS), clientCaLine);
        DialGuard guard = new DialGuard();
        SessionStore sessionStore = new SessionStore(registry.statements(), clock);
        WatchFeed feed = new WatchFeed();
        RecordingFiles recordingFiles = new RecordingFiles(dir.recordings());
        RecordingStore recordingStore = new RecordingStore(registry.statements());
        ArchiveUploads uploads = archiveUploads(config, recordingFiles, recordingStore, membership.holder(), clock);
        Recordings recordings = new Recordings(new RecordingWriter(recordingFiles), recordingStore,
                membership.holder(), new SessionRecorder.Options(config.get(HostSettings.RECORD_INPUT),
                config.get(HostSettings.RECORD_EXEC_OUTPUT)), feed, uploads, clock);
        Bastion bastion;
        try {
            bastion = Bastion.start(new BastionSettings(config.bind(), config.sshPort(), hostKeys,
                    config.connectTimeout(), config.bannerTimeout(), config.keepaliveInterval(),
                    config.keepaliveMaxMissed(), config.frontDoor(), principals),
                    new RegistryRouting(registry, registry.people(), registry.runners(), clock,
                            config.get(HostSettings.VPS_KEYS)), userCa, hostCa, clientCa, guard,
                    new SessionNumbers(sessionStore), config.get(HostSettings.RECORD_SESSIONS) ? recordings : null);
        } catch (IOException | RuntimeException e) {
            recordings.close();
            registry.close();
            throw new IOException("cannot listen for SSH on " + config.bind() + ":" + config.sshPort() + ": "
                    + e.getMessage(), e);
        }
        SessionBoard sessions = null;
        try {
            sessions = new SessionBoard(sessionStore, bastion.sessions(), feed, config.instanceId(),
                    membership.holder(), Membership.CLAIM_STALE, clock).start();
            RunnerTrust trust = new RunnerTrust(registry.runners(), secrets::runner, clock);
            List<String> knownHosts = KnownHosts.lines(principals, bastion.address().getPort(), hostCa.getPublic());
            log.info("bastion host certificate for {}", String.join(", ", principals));
            HostGauges gauges = new HostGauges(registry, registry.runners());
            Supplier<String> pin = () -> { // as it is now: a rotation changes it
                TlsPin now = speaksTls ? ApiTls.readPin(dir.root()) : null;
                return now == null ? null : now.toString();
            };
            Supplier<List<String>> knownHostsNow = () -> Stream.concat(knownHosts.stream(),
                    KnownHosts.externalVps(registry.list()).stream()).toList();
            Authorizer authorizer = new Authorizer(registry, registry.people(), clock);
            Router router = new CaRoutes(userCaLine, clientCa == null ? null : clientCaLine, knownHostsNow,
                    bastion.address().getPort(), principals).register(
                    new FleetRoutes(fleet, trust, registry, clock, pin).register(new PeopleRoutes(registry.people(),
                            registry, registry.tokens(), bastion::accessChanged, clock).register(new VpsRoutes(
                            registry, fleet, bastion::accessChanged, authorizer)
                            .register(new SessionRoutes(sessions, registry, recordings).register(new SsoRoutes(
                            sso == null ? null : new SsoSignIn(sso, registry.people(), registry.tokens(), clientCa,
                                    clock)).register(new Router()
                            .metricsRoute("GET", "/metrics", req -> Router.Response.ok(new Router.Raw(
                                    Metrics.contentType(), gauges.scrape())))
                            .route("POST", "/api/v1/host/rotate/{secret}", req -> Router.Response.ok(
                                    rotate(rotation, Secret.of(req.param(0)))))))))));
            ApiServer api = ApiServer.start(new InetSocketAddress(config.apiBind(), config.apiPort()),
                    new ApiDispatcher(router, secrets::admin, secrets::metrics, trust,
                            config.frontDoor().penaltyExempt().stream().map(Cidr::parse).toList(), registry.tokens(),
                            authorizer), apiLimits,
                    speaksTls ? tls.serverContext() : null,
                    config.frontDoor().trustedProxies());
            guard.ownPorts(new HashSet<>(List.of(bastion.address().getPort(), api.address().getPort())));
            if (speaksTls) {
                rotation.servingTls(identity -> api.reloadTls(identity.serverContext()));
            }
            Host host = new Host(dir, userCa, registry, fleet, bastion, api, tls.pin(), speaksTls, knownHosts,
                    coordination, membership, rotation, config.runnerSilence(), sessions, recordings,
                    new RecordingRetention(recordings.files(), recordings.store(), recordings.archive(),
                            Duration.ofDays(config.get(
                            HostSettings.RECORDING_RETENTION_DAYS)), (long) config.get(HostSettings.RECORDINGS_MAX_GIB)
                            << 30, clock));
            log.info("{}", host.readyLine());
            return host;
        } catch (IOException | RuntimeException e) {
            if (sessions != null) {
                sessions.close();
            }
            bastion.close();
            recordings.close();
            registry.close();
            throw new IOException("cannot listen for the control API on " + config.apiBind() + ":"
                    + config.apiPort() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The move of closed recordings to the object store {@code recordings_url} names, or null without one. A store
     * that does not answer is logged, not fatal: recordings wait on the disk until it does.
     */
    private static ArchiveUploads archiveUploads(HostConfig config, RecordingFiles files, RecordingStore store,
                                                 String holder, Clock clock) {
        ArchiveUrl url = config.get(HostSettings.RECORDINGS_URL);
        if (url == null) {
            return null;
        }
        S3Archive archive = new S3Archive(url);
        String problem = archive.check();
        if (problem == null) {
            log.info("recordings: closed ones move to {}", archive);
        } else {
            log.warn("recordings: {}; they wait on this Host's disk until it answers", problem);
        }
        ArchiveUploads uploads = new ArchiveUploads(archive, files, store, holder, clock);
        uploads.resume();
        return uploads;
    }

    /** How the Host signs people in, from the {@code sso_*} settings; null without {@code sso_issuer}. */
    private static SsoSettings ssoSettings(HostConfig config) {
        URI issuer = config.get(HostSettings.SSO_ISSUER);
        if (issuer == null) {
            return null;
        }
        Path secretFile = config.get(HostSettings.SSO_CLIENT_SECRET_FILE);
        SsoSettings sso = new SsoSettings(issuer, config.get(HostSettings.SSO_CLIENT_ID), secretFile == null ? null
                : SsoSettings.secret(secretFile), config.get(HostSettings.SSO_CLAIM),
                config.get(HostSettings.SSO_NEW_PEOPLE), Duration.ofHours(config.get(HostSettings.SSO_HOURS)));
        log.info("single sign-on: {}", sso);
        return sso;
    }

    /** How the other Hosts of the registry know this one: its machine, SSH port and data directory. */
    private static String holder(HostConfig config, DataDir dir) {
        String machine;
        try {
            machine = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            machine = "unknown-machine";
        }
        return machine + ":" + config.sshPort() + " " + dir.root();
    }

    /** The user CA's public key as one OpenSSH line, {@code ssh-ed25519 AAAA... ferry-user-ca}. */
    public static String userCaLine(KeyPair userCa) {
        return SshPublicKey.of(userCa.getPublic(), USER_CA_COMMENT).toOpenSsh();
    }

    /**
     * The Host's user CA (ed25519, from the data directory): the bastion signs plain mode's short-lived user
     * certificates with it, and every VPS sshd trusts its public key. The private key never leaves the Host.
     */
    public KeyPair userCa() {
        return userCa;
    }

    /**
     * The known_hosts lines that trust the bastion and every VPS through the host CA ({@code ferry known-hosts}):
     * {@code @cert-authority} for the bastion's names, then for {@code vps-*}.
     */
    public List<String> knownHosts() {
        return knownHosts;
    }

    /** The control API's base URL, e.g. {@code http://127.0.0.1:8000}, or {@code https://} when it speaks TLS. */
    /** Every control API route a person or the admin token calls ({@code METHOD /pattern}). */
    public List<String> apiRoutes() {
        return api.personRoutes();
    }

    public String apiUrl() {
        InetSocketAddress a = api.address();
        String host = a.getAddress().getHostAddress();
        return (apiTls ? "https://" : "http://") + Endpoint.hostPort(host, a.getPort());
    }

    /**
     * The fingerprint clients pin ({@code --host-fingerprint}): the Host's TLS key, kept in its data directory,
     * the same whether the API speaks TLS now or not.
     */
    public TlsPin apiFingerprint() {
        TlsPin now = ApiTls.readPin(dataDir.root()); // a rotation changes it
        return now != null ? now : apiPin;
    }

    public Path dataDir() {
        return dataDir.root();
    }

    public VpsRegistry registry() {
        return registry;
    }

    /** The bastion's SSH address, e.g. {@code 0.0.0.0:2222}. */
    public InetSocketAddress sshAddress() {
        return bastion.address();
    }

    /** How many SSH connections the bastion has accepted since start. */
    public long bastionSessions() {
        return bastion.sessionsAccepted();
    }

    /** The line printed once everything listens. */
    public String readyLine() {
        InetSocketAddress ssh = sshAddress();
        return "ferry host ready: ssh " + ssh.getHostString() + ":" + ssh.getPort() + ", api " + apiUrl()
                + (apiTls ? " (TLS key " + apiPin + ")" : "") + ", data " + dataDir.root();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        try {
            membership.leave();
        } catch (RuntimeException e) {
            log.warn("could not let the watchdog's lease go (another Host takes it when it runs out): {}",
                    e.toString());
        }
        api.close();
        sessions.close();
        try {
            bastion.close();
        } catch (IOException e) {
            log.warn("bastion did not stop cleanly: {}", e.toString());
        }
        recordings.close();
        registry.close();
        log.info("ferry host stopped");
    }
}

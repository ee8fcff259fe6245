package dev.ferry.bastion.ssh;

import dev.ferry.bastion.LogTail;
import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.fleet.RunnerRegistry;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostLogging;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.testing.Await;
import dev.ferry.testing.Processes;
import dev.ferry.testing.SshKeygen;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;

/**
 * A Host (bastion, registry) on loopback ports with short timeouts, and the users of the bastion tests:
 * alice, bob and mallory, each with an ed25519 key made by ssh-keygen. One per test class.
 */
final class BastionTestSupport implements AutoCloseable {
    final Path dir;
    final Host host;
    final int port;
    /** {@code 127.0.0.1:<port>}. */
    final String bastion;
    final Path aliceKey;
    final Path bobKey;
    final Path malloryKey;
    final SshClientFixture alice;
    /** The Host's audit events. */
    final AuditEvents audit;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    private BastionTestSupport(Path dir, Host host, Path aliceKey, Path bobKey, Path malloryKey) throws IOException {
        this.dir = dir;
        this.host = host;
        this.port = host.sshAddress().getPort();
        this.bastion = "127.0.0.1:" + port;
        this.aliceKey = aliceKey;
        this.bobKey = bobKey;
        this.malloryKey = malloryKey;
        this.alice = client("alice", List.of(aliceKey), null);
        this.audit = new AuditEvents(dir.resolve("host"));
    }

    /** Keys for alice, bob and mallory, and a Host with a 2 s connect timeout and 1 s keepalives (3 missed). */
    static BastionTestSupport start(Path dir) throws Exception {
        return start(dir, Duration.ofSeconds(1));
    }

    /** The same with keepalives this far apart (3 missed end a connection). */
    static BastionTestSupport start(Path dir, Duration keepalive) throws Exception {
        return start(dir, keepalive, UnaryOperator.identity());
    }

    /** The same with {@code settings} applied over the tests' own. */
    static BastionTestSupport start(Path dir, Duration keepalive, UnaryOperator<HostConfig> settings)
            throws Exception {
        Path keys = dir.resolve("keys");
        Path alice = SshKeygen.ed25519(keys, "alice");
        Path bob = SshKeygen.ed25519(keys, "bob");
        Path mallory = SshKeygen.ed25519(keys, "mallory");
        Path data = dir.resolve("host");
        HostLogging.init(DataDir.prepare(data).logs());
        HostConfig config = HostConfig.defaults(data).withListeners("127.0.0.1", 0, "127.0.0.1", 0)
                .with(HostSettings.CONNECT_TIMEOUT, Duration.ofSeconds(2))
                .with(HostSettings.BANNER_TIMEOUT, Duration.ofSeconds(5))
                .with(HostSettings.KEEPALIVE_INTERVAL, keepalive).with(HostSettings.KEEPALIVE_MAX_MISSED, 3)
                // the tests' own failed logins come from 127.0.0.1; penalties are tried from 127.0.0.2 and up
                .with(HostSettings.PENALTY_EXEMPT, List.of("127.0.0.1"));
        config = settings.apply(config);
        return new BastionTestSupport(dir, Host.start(TestRegistries.of(config)), alice, bob, mallory);
    }

    /** A client with its own ssh_config offering these keys, in this order. */
    SshClientFixture client(String name, List<Path> keys, String extraConfig) throws IOException {
        return SshClientFixture.create(dir.resolve("clients").resolve(name), keys, extraConfig);
    }

    static SshPublicKey pub(Path key) throws IOException {
        return SshClientFixture.publicKey(key);
    }

    /** The Host's user CA public key as an OpenSSH line, what a VPS's TrustedUserCAKeys file holds. */
    String userCaLine() throws IOException {
        return SshPublicKey.of(DataDir.prepare(dir.resolve("host")).userCa().getPublic(), "ferry-user-ca").toOpenSsh();
    }

    /** A CA file in {@code dir} for sshd's TrustedUserCAKeys. */
    Path userCaFile(Path where) throws IOException {
        Files.createDirectories(where);
        return Files.writeString(where.resolve("ferry_user_ca.pub"), userCaLine() + "\n");
    }

    /** The sshd_config lines of a VPS's sshd in {@code where} that takes the user CA's certificates for its VPS. */
    List<String> certificateLogins(Path where) throws IOException {
        return SshdFixture.certificateLogins(where, userCaFile(where));
    }

    /**
     * Starts an sshd in {@code dir/<where>} and registers it as the external VPS {@code name} with these keys; it
     * takes plain mode's certificates for that VPS, plus {@code extraConfig}. The caller closes it.
     */
    Started startVps(String where, String name, List<SshPublicKey> keys, String... extraConfig) throws Exception {
        List<String> config = new ArrayList<>(certificateLogins(dir.resolve(where)));
        config.addAll(List.of(extraConfig));
        SshdFixture sshd = SshdFixture.start(dir.resolve(where), keys, config, 0);
        Vps vps = host.registry().create(new NewVps(name, Endpoint.parse(sshd.endpoint()), keys));
        sshd.acceptCertificatesFor(vps.id());
        return new Started(sshd, vps);
    }

    /** An sshd started as a VPS, and that VPS. */
    record Started(SshdFixture sshd, Vps vps) implements AutoCloseable {
        @Override
        public void close() {
            sshd.close();
        }
    }

    /**
     * Starts an sshd as the external VPS {@code vps-web} holding alice's key (closed with this support). It trusts
     * the user CA, so plain mode logs in too, plus {@code extraConfig}.
     */
    SshdFixture startWebVps(String... extraConfig) throws Exception {
        Started web = startVps("vps", "web", List.of(pub(aliceKey)), extraConfig);
        closeLater(web);
        return web.sshd();
    }

    /** Enrolls and registers a runner on this machine; the test sends its heartbeats ({@link #heartbeat}). */
    void fakeRunner(String name) {
        RunnerRegistry runners = host.fleet().runners();
        runners.enroll(name, "127.0.0.1", new Runner.Enrollment(true, 1024, 65535), "0".repeat(64), Instant.now());
        runners.register(name, 2, 1L << 30, true, null, "s-" + name, Instant.now());
    }

    /** One heartbeat of runner {@code name} (made by {@link #fakeRunner}), reporting these containers. */
    void heartbeat(String name, List<ContainerReport> reports) {
        host.fleet().heartbeat(name, name, new HeartbeatRequest(new DockerStatus(true, null, "28.2"), reports,
                "s-" + name));
    }

    Path hostLog() {
        return dir.resolve("host/logs/ferry-host.log");
    }

    String hostLogText() throws IOException {
        return Files.readString(hostLog());
    }

    /** The Host's log from now on. */
    LogTail hostLogTail() {
        return LogTail.of(hostLog());
    }

    /**
     * Waits until the Host's log holds {@code text}. How often a sentence is logged is no behaviour to assert: an
     * event that must happen a number of times is counted in {@link #audit}.
     */
    void awaitLogged(String text, int seconds) {
        Await.until("'" + text + "' logged", Duration.ofSeconds(seconds), () -> {
            try {
                return hostLogText().contains(text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The last line ssh printed on stderr, where it puts its one-line verdicts. */
    static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        return lines[lines.length - 1];
    }

    /** {@code ssh -p PORT user@127.0.0.1 command...} with this client's config. */
    Processes.Result sshTo(SshClientFixture c, String user, String... command) {
        return sshTo(c, List.of(), user, command);
    }

    /** {@code ssh options... -p PORT user@127.0.0.1 command...}: options before the destination, as ssh needs. */
    Processes.Result sshTo(SshClientFixture c, List<String> options, String user, String... command) {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("-p", Integer.toString(port), user + "@127.0.0.1"));
        args.addAll(List.of(command));
        return c.ssh(args.toArray(String[]::new));
    }

    /** A MINA client, started, that accepts any host key: for what the OpenSSH client cannot show. */
    static SshClient minaClient() {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        return client;
    }

    /** Logs in to the bastion as {@code user} with the private key file {@code key}. */
    ClientSession login(SshClient client, String user, Path key) throws IOException {
        ClientSession s = client.connect(user, "127.0.0.1", port).verify(Duration.ofSeconds(20)).getSession();
        s.addPublicKeyIdentity(PrivateKeyFiles.read(key));
        s.auth().verify(Duration.ofSeconds(20));
        return s;
    }

    void closeLater(AutoCloseable c) {
        closeLater.add(c);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeLater) {
            try {
                c.close();
            } catch (Exception e) {
                // the rest must still close
            }
        }
        host.close();
    }
}

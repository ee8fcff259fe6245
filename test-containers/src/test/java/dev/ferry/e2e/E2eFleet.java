package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.agent.RunnerAgent;
import dev.ferry.agent.RunnerConfig;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.host.HostLogging;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.cli.Env;
import dev.ferry.cli.Main;
import dev.ferry.keys.tls.TlsPin;
import dev.ferry.testing.Await;
import dev.ferry.testing.DockerImages;
import dev.ferry.testing.Processes;
import dev.ferry.testing.SshKeygen;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.function.Predicate;

/**
 * A Host and one runner on the real Docker engine, the CLI in this JVM and a stock OpenSSH client with
 * its own key: what each end-to-end test class starts once. Needs Docker and the test images
 * ({@code images/build.sh}); {@code ./ferry test} provides both. Nothing here skips silently.
 */
final class E2eFleet implements AutoCloseable {
    final Path dir;
    final Host host;
    final String runnerName;
    final Path key;
    final SshClientFixture ssh;
    /** {@code 127.0.0.1:<bastion port>}. */
    final String bastion;
    final int port;
    private final Map<String, String> cliEnv;
    private RunnerAgent runner;

    private E2eFleet(Path dir, Host host, String runnerName, Path key, SshClientFixture ssh) throws Exception {
        this.dir = dir;
        this.host = host;
        this.runnerName = runnerName;
        this.key = key;
        this.ssh = ssh;
        this.port = host.sshAddress().getPort();
        this.bastion = "127.0.0.1:" + port;
        this.cliEnv = Map.of("FERRY_HOST", host.apiUrl(), "FERRY_TOKEN",
                Files.readString(dir.resolve("host/admin.token")).strip(), "FERRY_HOST_FINGERPRINT",
                host.apiFingerprint().toString());
    }

    /**
     * How long the test Hosts wait for a silent runner before its VPS are lost: the default's 30 s. Twelve lost the
     * VPS of RunnerE2ETest's runner while its replacement process was still starting on a busy machine.
     */
    static final Duration RUNNER_SILENCE = Duration.ofSeconds(30);

    /**
     * Builds the test images when needed, starts a Host (3 s connect timeout, {@link #RUNNER_SILENCE}) and a runner
     * named e2e-*.
     */
    static E2eFleet start(Path dir) throws Exception {
        return start(dir, UnaryOperator.identity());
    }

    /** The same with {@code settings} applied over the tests' own. */
    static E2eFleet start(Path dir, UnaryOperator<HostConfig> settings) throws Exception {
        DockerImages.require();
        Path data = dir.resolve("host");
        HostLogging.init(DataDir.prepare(data).logs());
        // the control API over TLS, as beyond loopback: the runner and the CLI pin its key
        Host host = Host.start(TestRegistries.of(settings.apply(HostConfig.defaults(data)
                .withListeners("127.0.0.1", 0, "127.0.0.1", 0).with(HostSettings.CONNECT_TIMEOUT, Duration.ofSeconds(3))
                .with(HostSettings.RUNNER_SILENCE, RUNNER_SILENCE).with(HostSettings.API_TLS, true)
                .with(HostSettings.PENALTY_EXEMPT, List.of("127.0.0.1")))));
        Path key = SshKeygen.ed25519(dir.resolve("keys"), "user");
        SshClientFixture ssh = SshClientFixture.create(dir.resolve("client"), List.of(key), null);
        E2eFleet fleet = new E2eFleet(dir, host, "e2e-" + UUID.randomUUID().toString().substring(0, 8), key, ssh);
        fleet.startRunner();
        Await.until("the runner enrolls and registers", Duration.ofSeconds(30),
                () -> host.fleet().runners().find(fleet.runnerName).filter(r -> r.online()).isPresent());
        return fleet;
    }

    /** Starts the runner (again) in this JVM. */
    void startRunner() throws Exception {
        runner = startRunner(host.apiUrl(), host.apiFingerprint(), dir.resolve("host"), runnerName,
                dir.resolve("runner/" + runnerName + ".credential"));
    }

    /**
     * A runner in this JVM for the Host at {@code apiUrl} (1 s heartbeats, VPS on 127.0.0.1), enrolling with the
     * runner.token of the Host's data directory {@code hostData} unless {@code credential} holds its credential.
     */
    static RunnerAgent startRunner(String apiUrl, TlsPin pin, Path hostData, String name, Path credential)
            throws Exception {
        String token = Files.readString(hostData.resolve("runner.token")).strip();
        return RunnerAgent.start(new RunnerConfig(URI.create(apiUrl), token, name, "127.0.0.1",
                "unix:///var/run/docker.sock", Duration.ofSeconds(1), credential, null, null, pin));
    }

    /**
     * {@code ferry runner} as its own process (a JVM of this class path) for the Host at {@code apiUrl}, with the
     * credential already in {@code credential}; everything it prints goes to {@code log}.
     */
    static Process runnerProcess(String apiUrl, TlsPin pin, String name, Path credential, Path log)
            throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Main.class.getName(), "runner", "--host", apiUrl, "--host-fingerprint", pin.toString(), "--name",
                name, "--advertise", "127.0.0.1", "--credential-file", credential.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The ids of the containers Docker has (running or not) for runner {@code name}. */
    static List<String> containersOf(String name) {
        Processes.Result ids = Processes.run(List.of("docker", "ps", "-aq", "--no-trunc", "--filter",
                "label=ferry.runner=" + name), null, 60).requireSuccess();
        return ids.out().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** Removes every container of runner {@code name}: the end of a test. */
    static void removeContainersOf(String name) {
        for (String id : containersOf(name)) {
            Processes.run(List.of("docker", "rm", "-f", id), null, 60);
        }
    }

    /** Stops the runner of this JVM (its containers keep running). */
    void stopRunner() throws Exception {
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }

    /** What the CLI is given to reach the test Host. */
    Map<String, String> cliEnv() {
        return cliEnv;
    }

    /** {@code ferry ...} in this JVM against the test Host. */
    Processes.Result ferry(String... args) {
        return ferry(cliEnv, dir, args);
    }

    /** {@code ferry ...} in this JVM with these environment variables and home directory. */
    static Processes.Result ferry(Map<String, String> env, Path home, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = Main.commandLine(new Env(env, home));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Processes.Result(List.of(args), code, out.toString(), err.toString());
    }

    /** {@code ferry vps create --image IMAGE --name NAME --ssh-key KEY --wait}, which must succeed. */
    Vps create(String name, String image) {
        Processes.Result r = ferry("vps", "create", "--image", image, "--name", name, "--ssh-key", key + ".pub",
                "--wait", "--wait-timeout", "120");
        assertEquals(0, r.exit(), r.toString());
        return host.registry().get(VpsRef.parse(name));
    }

    /** {@code ssh -J vps-NAME@bastion root@vps-NAME command}. */
    Processes.Result jump(String name, String command) {
        return ssh.ssh("-J", "vps-" + name + "@" + bastion, "root@vps-" + name, command);
    }

    /** {@code ssh -p PORT vps-NAME@127.0.0.1 command}: plain mode. */
    Processes.Result plain(String user, String... command) {
        List<String> args = new java.util.ArrayList<>(List.of("-p", Integer.toString(port), user + "@127.0.0.1"));
        args.addAll(List.of(command));
        return ssh.ssh(args.toArray(String[]::new));
    }

    /** The VPS named {@code name} once {@code condition} holds for it; the test fails if not within the time. */
    Vps await(String name, Predicate<Vps> condition, int seconds, String what) {
        return Await.value(name + ": " + what, Duration.ofSeconds(seconds),
                () -> host.registry().get(VpsRef.parse(name)), condition);
    }

    @Override
    public void close() throws Exception {
        stopRunner();
        host.close();
        removeContainersOf(runnerName);
    }
}

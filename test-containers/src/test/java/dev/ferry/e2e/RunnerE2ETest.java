package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * VPS on a real Docker engine, end to end: the CLI creates them, a runner agent runs them, the stock
 * OpenSSH client reaches them through the bastion. Needs Docker and the test images
 * ({@code images/build.sh}); {@code ./ferry test} provides both. Nothing here skips silently.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunnerE2ETest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String SSHD_IMAGE = "ferry-test/sshd:1";

    private Path dir;
    private E2eFleet fleet;
    private Host host;
    private String runnerName;
    private Path key;
    private SshClientFixture ssh;
    private String bastion;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        fleet = opened.add(E2eFleet.start(dir));
        host = fleet.host;
        bastion = fleet.bastion;
        runnerName = fleet.runnerName;
        key = fleet.key;
        ssh = fleet.ssh;
    }

    private Processes.Result ferry(String... args) {
        return fleet.ferry(args);
    }

    private Vps create(String name, String image) {
        return fleet.create(name, image);
    }

    private Processes.Result jump(String name, String command) {
        return fleet.jump(name, command);
    }

    private Vps await(String name, Predicate<Vps> condition, int seconds, String what) throws Exception {
        return fleet.await(name, condition, seconds, what);
    }

    private static Predicate<Vps> is(VpsStatus status) {
        return v -> v.status() == status;
    }

    @Test
    void createsWithAKeyAndTheBastionReachesIt() {
        Vps v = create("e2e-plain", SSHD_IMAGE);
        assertEquals(VpsStatus.RUNNING, v.status());
        assertEquals("ok", jump("e2e-plain", "test -s /var/log/ferry-onstart.log && echo ok").requireSuccess().out().strip());
        // the quick-start image has what the README's examples use: rsync, python3 (VS Code's server), curl
        assertEquals("42", jump("e2e-plain", "rsync --version >/dev/null && curl --version >/dev/null && "
                + "python3 -c 'print(6 * 7)'").requireSuccess().out().strip());
        Processes.Result ports = Processes.run(List.of("docker", "port", "ferry-vps-" + v.id(), "22/tcp"), null, 30)
                .requireSuccess();
        assertEquals("127.0.0.1:" + v.endpoint().port(), ports.out().strip(),
                "port 22 must be published on the advertised address only");
        // placed without limits: the status shows what Docker gave the container, the runner's defaults
        assertEquals("2000000000 2147483648", Processes.run(List.of("docker", "inspect", "-f",
                "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}", "ferry-vps-" + v.id()), null, 30).requireSuccess()
                .out().strip());
        Processes.Result status = ferry("vps", "status", "e2e-plain");
        assertTrue(status.out().contains("limits:    2 CPUs, 2.0 GiB (its runner's defaults)\n"), status.toString());
    }

    @Test
    void fiftyColdParallelJumpsIntoOneContainerAllLogIn() throws Exception {
        // Ansible's forks: every connection reaches the container's sshd from the runner's one address, where
        // OpenSSH's default MaxStartups (10:30:100) dropped most of them; the start-up step raises it
        create("e2e-fifty", SSHD_IMAGE);
        List<String> failed = Processes.inParallelEchoingTheirNumber(50, i -> jump("e2e-fifty", "echo " + i));
        assertEquals(List.of(), failed, failed.size() + " of 50 parallel jumps failed");
    }

    @Test
    void generatesAKeyPairAndKeepsOnlyThePublicHalf() throws Exception {
        Path out = dir.resolve("generated/vps-key");
        Processes.Result r = ferry("vps", "create", "--image", SSHD_IMAGE, "--name", "e2e-gen", "--gen-ssh-key",
                "--key-out", out.toString(), "--wait", "--wait-timeout", "120");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        SshClientFixture generated = SshClientFixture.create(dir.resolve("gen-client"), List.of(out), null);
        assertEquals("gen", generated.ssh("-J", "vps-e2e-gen@" + bastion, "root@vps-e2e-gen", "echo gen")
                .requireSuccess().out().strip());
        String stored = TestRegistries.contentsOf(dir.resolve("host"));
        assertTrue(stored.contains(SshClientFixture.publicKey(out).base64()), "the public key is stored");
        assertTrue(!stored.contains("PRIVATE KEY"), "the private key must not be stored");
    }

    @Test
    void thePrintedConnectLineOfAGeneratedKeyRunsAsPrinted() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(fleet.cliEnv());
        env.put("FERRY_BASTION", fleet.bastion);
        Processes.Result r = E2eFleet.ferry(env, dir.resolve("line-home"), "vps", "create", "--image", SSHD_IMAGE,
                "--name", "e2e-line", "--gen-ssh-key", "--wait", "--wait-timeout", "120");
        assertEquals(0, r.exit(), r.toString());
        String line = r.err().lines().filter(l -> l.startsWith("          or: ssh ")).findFirst()
                .orElseThrow(() -> new AssertionError("no ssh line: " + r)).substring(14);
        // the user's ssh, on every hop: IdentitiesOnly yes and no key of its own
        Path config = Files.writeString(dir.resolve("line-ssh-config"), "IdentitiesOnly yes\nIdentityFile "
                + dir.resolve("no-such-key") + "\nIdentityAgent none\nBatchMode yes\nStrictHostKeyChecking no\n"
                + "UserKnownHostsFile /dev/null\nLogLevel ERROR\nConnectTimeout 20\n");
        Path bin = Files.createDirectories(dir.resolve("line-bin"));
        Files.writeString(bin.resolve("ssh"), "#!/bin/sh\nexec /usr/bin/ssh -F " + config + " \"$@\"\n");
        Files.setPosixFilePermissions(bin.resolve("ssh"), PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write("echo line-$((40 + 2))\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), line + "\n" + out);
        assertTrue(out.contains("line-42"), line + "\n" + out);
    }

    @Test
    void startsSshdEvenWhenTheImageEntrypointDoesNot() {
        create("e2e-entry", "ferry-test/entrypoint-only:1");
        assertEquals("entry", jump("e2e-entry", "echo entry").requireSuccess().out().strip());
    }

    @Test
    void anImageWhoseCommandIsItsOwnSshdGetsFerrysSettings() throws Exception {
        // pid 1 is the image's sshd, allowing passwords, with root locked: Ferry corrects its settings
        Vps v = create("e2e-own", "ferry-test/own-sshd:1");
        assertEquals("own", jump("e2e-own", "echo own").requireSuccess().out().strip());
        assertOnlyKeysAccepted("e2e-own");
        String started = startedAt(v);
        assertEquals(0, ferry("vps", "restart", "e2e-own").exit());
        await("e2e-own", x -> x.status() == VpsStatus.RUNNING && !startedAt(x).equals(started), 120,
                "running again in a new start of its container");
        assertOnlyKeysAccepted("e2e-own");
        assertEquals("again", jump("e2e-own", "echo again").requireSuccess().out().strip());
    }

    @Test
    void anImageThatStartsItsOwnSshdInTheBackgroundIsServedByFerrysSshd() throws Exception {
        create("e2e-daemon", "ferry-test/daemon-sshd:1");
        String listeners = jump("e2e-daemon", "for d in /proc/[0-9]*; do tr '\\0' ' ' < $d/cmdline; echo; done"
                + " | grep '^sshd: .*\\[listener\\]'").requireSuccess().out().strip();
        assertTrue(listeners.contains("-f /etc/ssh/ferry_sshd_config") && listeners.lines().count() == 1,
                "only Ferry's sshd listens, the image's was stopped: " + listeners);
        assertOnlyKeysAccepted("e2e-daemon");
    }

    /** When Docker last started the VPS's container. */
    private static String startedAt(Vps v) {
        return Processes.run(List.of("docker", "inspect", "-f", "{{.State.StartedAt}}", "ferry-vps-" + v.id()), null, 30)
                .requireSuccess().out().strip();
    }

    /** The VPS's sshd offers public keys only (the client lists what the server would still accept). */
    private void assertOnlyKeysAccepted(String name) {
        Processes.Result r = ssh.ssh("-J", "vps-" + name + "@" + bastion, "-o", "PreferredAuthentications=none",
                "root@vps-" + name, "true");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("root@vps-" + name + ": Permission denied (publickey)."), r.toString());
    }

    @Test
    void anImageWithoutSshdFailsWithHowToFixItAndLeavesNothingRunning() throws Exception {
        Vps v = createFails("e2e-nosshd", "ferry-test/no-sshd:1", "openssh-server");
        assertFalse(containerRuns(v), "nothing of a failed VPS may keep running");
    }

    @Test
    void anImageWhoseCommandExitsAtOnceFailsInsteadOfRestartingForEver() throws Exception {
        Vps v = createFails("e2e-exits", "ferry-test/exits-at-once:1", "keeps stopping right after it starts");
        assertTrue(v.lastError().contains("exited with code 3"), v.lastError());
        await("e2e-exits", x -> !containerRuns(v), 30, "Docker no longer restarting it");
        assertEquals(VpsStatus.FAILED, host.registry().get(VpsRef.parse("e2e-exits")).status());
        // ferry vps restart is another try: it runs the image again, and fails it again for the same reason
        assertEquals(0, ferry("vps", "restart", "e2e-exits").exit());
        await("e2e-exits", x -> x.status() != VpsStatus.FAILED, 60, "tried again after the restart");
        Vps again = await("e2e-exits", is(VpsStatus.FAILED), 120, "failed again");
        assertTrue(again.lastError().contains("keeps stopping right after it starts"), again.lastError());
    }

    @Test
    void removingAVpsRemovesItsContainerWhichCarriesTheHostsRegistry() throws Exception {
        Vps v = create("e2e-remove", SSHD_IMAGE);
        Processes.Result labels = Processes.run(List.of("docker", "inspect", "-f",
                "{{index .Config.Labels \"ferry.registry\"}}", "ferry-vps-" + v.id()), null, 30).requireSuccess();
        assertEquals(host.fleet().runners().registryId(), labels.out().strip());
        assertEquals(0, ferry("vps", "remove", "e2e-remove").exit());
        Await.until("the container removed", Duration.ofSeconds(60),
                () -> Processes.run(List.of("docker", "inspect", "ferry-vps-" + v.id()), null, 30).exit() != 0);
    }

    @Test
    void aMissingImageFailsNamingIt() throws Exception {
        createFails("e2e-noimage", "ferry-test/never-built:1", "ferry-test/never-built:1");
    }

    /** {@code vps create --wait} of an image that cannot run: the CLI and the registry both give the reason. */
    private Vps createFails(String name, String image, String reason) throws Exception {
        Processes.Result r = ferry("vps", "create", "--image", image, "--name", name, "--ssh-key", key + ".pub",
                "--wait", "--wait-timeout", "120");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains(reason), r.toString());
        Vps v = host.registry().get(VpsRef.parse(name));
        assertEquals(VpsStatus.FAILED, v.status());
        assertTrue(v.lastError().contains(reason), v.lastError());
        return v;
    }

    /** Whether Docker runs (or is about to restart) a container of the VPS. */
    private static boolean containerRuns(Vps v) {
        Processes.Result ps = Processes.run(List.of("docker", "ps", "-q", "--filter", "label=ferry.vps.id=" + v.id()),
                null, 30);
        assertEquals(0, ps.exit(), ps.toString());
        return !ps.out().isBlank();
    }

    @Test
    void pausesResumesStopsAndRestartsWithTheSameKey() throws Exception {
        Vps v = create("e2e-life", SSHD_IMAGE);
        assertEquals(0, ferry("vps", "pause", "e2e-life").exit());
        await("e2e-life", is(VpsStatus.PAUSED), 60, "paused");
        Processes.Result paused = jump("e2e-life", "true");
        assertTrue(paused.err().contains("administratively prohibited: vps-" + v.id() + " is paused; resume it with: "
                + "ferry vps resume " + v.id()), paused.toString());
        Processes.Result again = ferry("vps", "pause", "e2e-life");
        assertEquals(4, again.exit(), again.toString());
        assertTrue(again.err().contains("is paused; only a running VPS can be paused"), again.toString());

        assertEquals(0, ferry("vps", "resume", "e2e-life").exit());
        await("e2e-life", is(VpsStatus.RUNNING), 60, "running after resume");
        assertEquals("back", jump("e2e-life", "echo back").requireSuccess().out().strip());

        // a terminal open in plain mode when the VPS stops hears why before the runner stops its container: the
        // Host that took the stop ends the VPS's sessions at once, with the sentence the client prints
        Process open = new ProcessBuilder("ssh", "-F", ssh.config().toString(), "-tt", "-p",
                Integer.toString(fleet.port), "vps-e2e-life@127.0.0.1", "echo in; sleep 120")
                .redirectErrorStream(true).start();
        try {
            java.io.BufferedReader shown = new java.io.BufferedReader(new java.io.InputStreamReader(
                    open.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            for (String line; (line = shown.readLine()) != null && !line.strip().equals("in"); ) {
                // until the shell runs
            }
            assertEquals(0, ferry("vps", "stop", "e2e-life").exit());
            assertTrue(open.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the session ended");
            String rest = new String(open.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(rest.contains("ferry: vps-" + v.id() + " (e2e-life) was stopped; start it with: ferry vps start "
                    + v.id() + "; this session ends"), rest);
        } finally {
            open.destroyForcibly();
        }
        await("e2e-life", is(VpsStatus.STOPPED), 60, "stopped");
        assertTrue(jump("e2e-life", "true").err().contains("is stopped; start it with: ferry vps start"));

        assertEquals(0, ferry("vps", "restart", "e2e-life").exit());
        await("e2e-life", is(VpsStatus.RUNNING), 90, "running after restart");
        assertEquals("same-key", jump("e2e-life", "echo same-key").requireSuccess().out().strip());
    }

    @Test
    void aKilledRunnerProcessMakesItsVpsLostAndItsReturnBringsThemBack() throws Exception {
        Vps before = create("e2e-lost", SSHD_IMAGE);
        fleet.stopRunner();
        // the same runner as its own process (ferry runner), which adopts the container, then kill -9 it
        Process agent = E2eFleet.runnerProcess(host.apiUrl(), host.apiFingerprint(), runnerName,
                dir.resolve("runner/" + runnerName + ".credential"), dir.resolve("runner-process.log"));
        try {
            long heardBefore = host.fleet().runners().find(runnerName).orElseThrow().lastHeartbeat().toEpochMilli();
            Await.until("heartbeats from the runner process", Duration.ofSeconds(60),
                    () -> host.fleet().runners().find(runnerName).orElseThrow().lastHeartbeat().toEpochMilli()
                    > heardBefore + 1000);
            assertEquals(VpsStatus.RUNNING, host.registry().get(VpsRef.parse("e2e-lost")).status());
            agent.destroyForcibly(); // SIGKILL: no goodbye to the Host
            agent.waitFor();
            await("e2e-lost", is(VpsStatus.LOST), 60, "lost after " + E2eFleet.RUNNER_SILENCE.toSeconds()
                    + " s of runner silence");
            Processes.Result r = jump("e2e-lost", "true");
            assertTrue(r.err().contains("its runner " + runnerName + " is offline, last heartbeat"), r.toString());
            Processes.Result status = ferry("vps", "status", "e2e-lost");
            assertTrue(status.out().contains("runner:    " + runnerName + " (offline, last heartbeat "), status.toString());
        } finally {
            agent.destroyForcibly();
            fleet.startRunner();
        }
        Vps after = await("e2e-lost", is(VpsStatus.RUNNING), 60, "running again once the runner is back");
        assertEquals(before.endpoint(), after.endpoint(), "the re-adopted container keeps its port");
        assertEquals("again", jump("e2e-lost", "echo again").requireSuccess().out().strip());
    }

    /** Last: it takes the Docker engine away from everything else for a while. */
    @Test
    @Order(Integer.MAX_VALUE)
    void survivesARestartOfTheDockerEngine() throws Exception {
        Vps v = create("e2e-dockerd", SSHD_IMAGE);
        DockerEngine.restart();
        // containers come back by their restart policy; the runner sees a new StartedAt, runs the
        // start-up step again and reports the (new) published port
        Vps after = await("e2e-dockerd", x -> x.status() == VpsStatus.RUNNING && x.endpoint() != null
                && Processes.run(List.of("docker", "port", "ferry-vps-" + v.id(), "22/tcp"), null, 30).out().strip()
                        .equals("127.0.0.1:" + x.endpoint().port()), 120, "running again after dockerd restarted");
        assertEquals("after-dockerd", jump("e2e-dockerd", "echo after-dockerd").requireSuccess().out().strip());
        assertEquals(VpsStatus.RUNNING, after.status());
    }
}

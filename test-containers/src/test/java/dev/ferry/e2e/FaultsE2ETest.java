package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.agent.RunnerAgent;
import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.testing.Await;
import dev.ferry.testing.DockerImages;
import dev.ferry.testing.Processes;
import dev.ferry.testing.SshKeygen;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults, for real (issue 9): the Host killed with {@code kill -9} while users are logged in and VPS are being
 * created, and a runner killed the same way in the middle of creates. Docker, the test images, stock OpenSSH.
 */
class FaultsE2ETest {
    private static final String IMAGE = "ferry-test/sshd:1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeAll
    static void docker() {
        DockerImages.require();
    }

    @Test
    void aHostKilledWithFiftySessionsOpenAndTenCreatesUnderWayComesBackWithEverythingAndTrustedByItsCertificates() throws Exception {
        String runnerName = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        Path key = SshKeygen.ed25519(dir.resolve("keys"), "user");
        SshClientFixture ssh = SshClientFixture.create(dir.resolve("client"), List.of(key), null);
        int sshPort = HostProcess.freePort();
        HostProcess host = HostProcess.start(dir, sshPort, HostProcess.freePort());
        RunnerAgent runner = null;
        List<Process> sessions = new ArrayList<>();
        try {
            runner = E2eFleet.startRunner(host.apiUrl(), host.pin(), host.data(), runnerName,
                    dir.resolve("runner.credential"));
            Map<String, String> env = host.cliEnv();
            Await.until("the runner enrolls and registers", Duration.ofSeconds(30),
                    () -> runnerHeardAfter(env, runnerName, Instant.EPOCH));
            for (String name : List.of("kept-a", "kept-b")) {
                ferry(env, "vps", "create", "--image", IMAGE, "--name", name, "--ssh-key", key + ".pub", "--wait",
                        "--wait-timeout", "120").requireSuccess();
            }
            String bastion = "127.0.0.1:" + sshPort;
            sessions.addAll(openSessions(ssh, bastion, 50, List.of("kept-a", "kept-b")));
            // a user who trusts the VPS through the Host's @cert-authority line only, as ferry known-hosts wrote it
            Path knownHosts = Files.writeString(dir.resolve("known_hosts"),
                    ferry(env, "known-hosts").requireSuccess().out());
            SshClientFixture strict = SshClientFixture.create(dir.resolve("strict"), List.of(key),
                    "StrictHostKeyChecking yes\nUserKnownHostsFile " + knownHosts + "\nGlobalKnownHostsFile /dev/null\n"
                    + "UpdateHostKeys no\n");
            assertEquals("trusted", strict.ssh("-J", "vps-kept-a@" + bastion, "root@vps-kept-a", "echo trusted")
                    .requireSuccess().out().strip());

            List<String> creating = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String name = "new-" + i;
                ferry(env, "vps", "create", "--image", IMAGE, "--name", name, "--ssh-key", key + ".pub")
                        .requireSuccess();
                creating.add(name);
            }
            Map<String, String> before = statuses(env);
            long underWay = creating.stream().filter(n -> !"running".equals(before.get(n))).count();
            host.kill9();
            long killedAt = System.nanoTime();
            System.out.println("kill -9 of the Host with " + sessions.size() + " sessions open and " + underWay
                    + " of 10 creates under way: " + before);
            for (Process s : sessions) {
                assertTrue(s.waitFor(30, TimeUnit.SECONDS), "an ssh session through the dead Host ends");
            }

            host.startAgain();
            long restartedAt = System.nanoTime();
            // the new Host takes its runners as heard at its start: a heartbeat a while after that is the runner's
            Instant ready = Instant.now().plusSeconds(2);
            Await.until("the runner reconnects to the new Host process", Duration.ofSeconds(30),
                    () -> runnerHeardAfter(env, runnerName, ready));
            long reconnectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
            awaitSettled(env, 180);
            long settledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
            System.out.println("Host back in " + TimeUnit.NANOSECONDS.toMillis(restartedAt - killedAt)
                    + " ms; runner reconnected " + reconnectedMs + " ms after; every create settled " + settledMs
                    + " ms after: " + statuses(env));

            JsonNode list = JSON.readTree(ferry(env, "vps", "list", "--json").requireSuccess().out());
            Set<String> names = new HashSet<>();
            for (JsonNode v : list.get("vps")) {
                names.add(v.get("name").asText());
                assertEquals(1, v.get("key_count").asInt(), "its key is kept: " + v);
                if (!v.get("status").asText().equals("running")) {
                    // failing is allowed, with a reason; none should here (the image is good)
                    assertFalse(v.path("last_error").asText().isBlank(), "a VPS that did not come up says why: " + v);
                }
                assertEquals("running", v.get("status").asText(), "the image is good, so each comes up: " + v);
            }
            Set<String> expected = new HashSet<>(creating);
            expected.addAll(List.of("kept-a", "kept-b"));
            assertEquals(expected, names, "every VPS is there after the kill");

            List<String> all = new ArrayList<>(expected);
            List<String> failed = Processes.inParallelEchoingTheirNumber(50, i -> {
                String vps = all.get(i % all.size());
                return ssh.ssh("-J", "vps-" + vps + "@" + bastion, "root@vps-" + vps, "echo " + i);
            });
            assertEquals(List.of(), failed, failed.size() + " of 50 users could not log in again");

            // the runner restarts too (an upgrade, ferry up again) with every VPS running: no VPS loses its
            // certificate, and the strict user gets in within a minute of the restarts
            runner.close();
            runner = E2eFleet.startRunner(host.apiUrl(), host.pin(), host.data(), runnerName,
                    dir.resolve("runner.credential"));
            long runnerBackAt = System.nanoTime();
            Await.until("the strict user reaching every VPS", Duration.ofSeconds(60),
                    () -> all.stream().allMatch(v -> strict.ssh("-J", "vps-" + v + "@" + bastion,
                    "root@vps-" + v, "true").exit() == 0));
            System.out.println("a strict client reached every VPS " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                    - runnerBackAt) + " ms after the runner restarted");
            for (JsonNode v : JSON.readTree(ferry(env, "vps", "list", "--json").requireSuccess().out()).get("vps")) {
                assertTrue(v.path("host_certified").asBoolean(), "still certified: " + v);
            }
        } catch (AssertionError e) {
            // CI shows the failure's message, not the test's output or files
            throw new AssertionError(e.getMessage() + "\nthe Host's last warnings and errors:\n" + host.warnings(40), e);
        } finally {
            sessions.forEach(Process::destroyForcibly);
            if (runner != null) {
                runner.close();
            }
            host.close();
            E2eFleet.removeContainersOf(runnerName);
        }
    }

    @Test
    void aRunnerKilledMidCreateLeavesNoOrphanContainerAndNoVpsAssigning() throws Exception {
        try (E2eFleet fleet = E2eFleet.start(dir)) {
            fleet.stopRunner();
            Path credential = dir.resolve("runner/" + fleet.runnerName + ".credential");
            Process agent = E2eFleet.runnerProcess(fleet.host.apiUrl(), fleet.host.apiFingerprint(), fleet.runnerName,
                    credential, dir.resolve("runner-process.log"));
            List<String> names = new ArrayList<>();
            Map<String, Long> ids = new HashMap<>();
            try {
                Await.until("the runner process registers", Duration.ofSeconds(60),
                        () -> fleet.host.fleet().runners().find(fleet.runnerName)
                        .filter(r -> r.online()).isPresent());
                for (int i = 0; i < 6; i++) {
                    String name = "mid-" + i;
                    assertEquals(0, fleet.ferry("vps", "create", "--image", IMAGE, "--name", name, "--ssh-key",
                            fleet.key + ".pub").exit());
                    names.add(name);
                    ids.put(name, fleet.host.registry().get(VpsRef.parse(name)).id());
                }
                // kill -9 as soon as Docker has the first container: the others are being pulled, created, started
                Await.until("the runner creates a first container", Duration.ofSeconds(60),
                        () -> !E2eFleet.containersOf(fleet.runnerName).isEmpty());
                agent.destroyForcibly();
                agent.waitFor();
            } finally {
                agent.destroyForcibly();
            }
            Map<String, String> atKill = new HashMap<>();
            for (String n : names) {
                atKill.put(n, fleet.host.registry().get(VpsRef.parse(n)).status().word());
            }
            List<String> containers = E2eFleet.containersOf(fleet.runnerName);
            System.out.println("runner killed with " + containers.size() + " container(s) made; VPS: " + atKill);
            assertTrue(atKill.values().stream().anyMatch(s -> !s.equals("running")), "killed mid-create: " + atKill);

            // one VPS that has a container is removed while its runner is dead
            String removed = names.stream().filter(n -> hasContainer(ids.get(n))).findFirst().orElseThrow();
            assertEquals(0, fleet.ferry("vps", "remove", removed).exit());
            names.remove(removed);

            long restartedAt = System.nanoTime();
            fleet.startRunner();
            for (String n : names) {
                Vps v = fleet.await(n, x -> x.status() != VpsStatus.ASSIGNING && x.status() != VpsStatus.PENDING, 120,
                        "out of assigning once its runner is back");
                assertEquals(VpsStatus.RUNNING, v.status(), n + ": " + v.lastError());
            }
            long settledMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
            Await.until("the removed VPS's container is removed", Duration.ofSeconds(60),
                    () -> !hasContainer(ids.get(removed)));
            Set<String> registered = fleet.host.registry().list().stream().map(v -> "ferry-vps-" + v.id())
                    .collect(Collectors.toSet());
            List<String> orphans = containerNames(fleet.runnerName).stream().filter(c -> !registered.contains(c))
                    .toList();
            assertEquals(List.of(), orphans, "every container of the runner belongs to a registered VPS");
            assertEquals(names.size(), containerNames(fleet.runnerName).size(), "one container per VPS");
            System.out.println("runner back: every VPS running " + settledMs + " ms after its restart");
            for (String n : names) {
                assertEquals(n, fleet.jump(n, "echo " + n).requireSuccess().out().strip());
            }
        }
    }

    @Test
    void aVpsWhoseSshdWasKilledAnswersAgainAndStaysRunningMeanwhile() throws Exception {
        try (E2eFleet fleet = E2eFleet.start(dir)) {
            Vps v = fleet.create("healed", IMAGE);
            Process session = new ProcessBuilder("ssh", "-F", fleet.ssh.config().toString(), "-J",
                    "vps-healed@" + fleet.bastion, "root@vps-healed", "echo up; exec sleep 300")
                    .redirectError(dir.resolve("healed-session.err").toFile()).start();
            try {
                assertEquals("up", new BufferedReader(new InputStreamReader(session.getInputStream(),
                        StandardCharsets.UTF_8)).readLine(), "a session logged in before");
                // its tenant kills the listening sshd; the session's own sshd process goes on
                Processes.run(List.of("docker", "exec", "ferry-vps-" + v.id(), "sh", "-c",
                        "kill $(cat /run/ferry-sshd.pid)"), null, 60).requireSuccess();
                Await.until("the sshd gone", Duration.ofSeconds(30), () -> fleet.jump("healed", "true").exit() != 0);
                long goneAt = System.nanoTime();
                Set<String> seen = new HashSet<>();
                Await.until("the runner starting its sshd again", Duration.ofSeconds(90), () -> {
                    seen.add(fleet.host.registry().get(VpsRef.parse("healed")).status().word());
                    return fleet.jump("healed", "true").exit() == 0;
                });
                System.out.println("an sshd killed in its container answered again "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - goneAt) + " ms after; status meanwhile: "
                        + seen);
                assertEquals(Set.of("running"), seen, "running all along: its users were never told it was being "
                        + "created");
                assertEquals("healed", fleet.jump("healed", "echo healed").requireSuccess().out().strip());
                assertTrue(session.isAlive(), "the session opened before goes on");
            } finally {
                session.destroyForcibly();
            }
        }
    }

    private static boolean hasContainer(long vpsId) {
        return Processes.run(List.of("docker", "inspect", "ferry-vps-" + vpsId), null, 30).exit() == 0;
    }

    private static List<String> containerNames(String runner) {
        return Processes.run(List.of("docker", "ps", "-a", "--format", "{{.Names}}", "--filter",
                "label=ferry.runner=" + runner), null, 60).requireSuccess().out().lines().map(String::strip)
                .filter(l -> !l.isEmpty()).toList();
    }

    /**
     * Opens {@code n} ProxyJump sessions spread over these VPS, each running a long sleep, and returns once every
     * one is logged in (it printed its greeting).
     */
    private List<Process> openSessions(SshClientFixture ssh, String bastion, int n, List<String> vps) throws Exception {
        List<Process> open = new ArrayList<>();
        ExecutorService readers = Executors.newCachedThreadPool();
        try {
            List<Future<String>> greetings = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = vps.get(i % vps.size());
                Process p = new ProcessBuilder("ssh", "-F", ssh.config().toString(), "-J", "vps-" + name + "@" + bastion,
                        "root@vps-" + name, "echo up-" + i + "; exec sleep 600")
                        .redirectError(dir.resolve("session-" + i + ".err").toFile()).start();
                open.add(p);
                greetings.add(readers.submit(() -> new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8)).readLine()));
            }
            for (int i = 0; i < n; i++) {
                assertEquals("up-" + i, greetings.get(i).get(60, TimeUnit.SECONDS), "session " + i + " logged in");
            }
            return open;
        } catch (Exception | AssertionError e) {
            open.forEach(Process::destroyForcibly);
            throw e;
        } finally {
            readers.shutdownNow();
        }
    }

    private Processes.Result ferry(Map<String, String> env, String... args) {
        return E2eFleet.ferry(env, dir, args);
    }

    /** Whether the Host has runner {@code name} online with a heartbeat later than {@code after}. */
    private boolean runnerHeardAfter(Map<String, String> env, String name, Instant after) {
        Processes.Result r = ferry(env, "node", "list", "--json");
        if (r.exit() != 0) {
            return false;
        }
        try {
            for (JsonNode n : JSON.readTree(r.out()).get("nodes")) {
                if (n.get("name").asText().equals(name)) {
                    return n.get("status").asText().equals("online")
                            && Instant.parse(n.get("last_heartbeat").asText()).isAfter(after);
                }
            }
            return false;
        } catch (IOException e) {
            throw new AssertionError(r.toString(), e);
        }
    }

    /** Waits until no VPS is pending or assigning any more. */
    private void awaitSettled(Map<String, String> env, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Map<String, String> now = statuses(env);
        while (now.values().stream().anyMatch(s -> s.equals("pending") || s.equals("assigning"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("VPS still being created " + seconds + " s after the restart: " + now);
            }
            Thread.sleep(1000);
            now = statuses(env);
        }
    }

    /** Name to status of every VPS, from {@code ferry vps list --json}. */
    private Map<String, String> statuses(Map<String, String> env) {
        Processes.Result r = ferry(env, "vps", "list", "--json").requireSuccess();
        try {
            Map<String, String> out = new HashMap<>();
            for (JsonNode v : JSON.readTree(r.out()).get("vps")) {
                out.put(v.get("name").asText(), v.get("status").asText());
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(r.toString(), e);
        }
    }
}

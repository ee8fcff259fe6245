package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.agent.RunnerAgent;
import dev.ferry.bastion.registry.PostgresServer;
import dev.ferry.bastion.registry.RegistryLocation;
import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.testing.Await;
import dev.ferry.testing.DockerImages;
import dev.ferry.testing.FreePorts;
import dev.ferry.testing.Processes;
import dev.ferry.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Host processes on one PostgreSQL behind HAProxy (Debian's package, TCP mode, PROXY protocol v2 from its
 * own address), a real runner and the real OpenSSH client, all through the balancer: one host key whichever Host
 * answers, a VPS made through one Host reached through the others, ten creates at once through different Hosts
 * that never overcommit the runner, the real client in the log and the audit, and a Host killed with
 * {@code kill -9}: its users reconnect through the others, nothing is lost, the runner stays online, the
 * watchdog's lease moves when its holder was the one killed.
 */
class SeveralHostsE2ETest {
    private static final String IMAGE = "ferry-test/sshd:1";
    private static final String BALANCER_SOURCE = "127.0.0.9";
    /** The Hosts' runner_silence_seconds: the runner beats every second, HAProxy drops a dead Host within 1 s. */
    private static final int SILENCE_SECONDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void threeHostsBehindHaproxyServeAsOne() throws Exception {
        DockerImages.require();
        RegistryLocation db = PostgresServer.get().newDatabase();
        Path password = Files.writeString(dir.resolve("registry.password"), PostgresServer.PASSWORD + "\n");
        Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
        List<HostProcess> hosts = new ArrayList<>();
        Process haproxy = null;
        RunnerAgent runner = null;
        String runnerName = "several-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            for (int i = 1; i <= 3; i++) {
                hosts.add(HostProcess.start(dir.resolve("h" + i), HostProcess.freePort(), HostProcess.freePort(), """
                        instance_id = %d
                        runner_silence_seconds = %d
                        penalty_exempt = ["127.0.0.1"]
                        proxy_protocol_from = ["%s"]
                        registry_url = "%s"
                        registry_password_file = "%s"
                        registry_key_file = "%s"
                        """.formatted(i, SILENCE_SECONDS, BALANCER_SOURCE, db.url(), password, db.keyFile())));
            }
            int lbSsh = FreePorts.any();
            int lbApi = FreePorts.any();
            haproxy = haproxy(lbSsh, lbApi, hosts);
            String lbUrl = "https://127.0.0.1:" + lbApi;
            Map<String, String> viaLb = new HashMap<>(hosts.get(0).cliEnv());
            viaLb.put("FERRY_HOST", lbUrl);
            Await.until("the API through the balancer", Duration.ofSeconds(30),
                    () -> E2eFleet.ferry(viaLb, dir, "vps", "list").exit() == 0);

            // one host key, whichever Host the balancer picks
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                keys.add(Processes.run(List.of("ssh-keyscan", "-t", "ed25519", "-p", Integer.toString(lbSsh),
                        "127.0.0.1"), null, 30).requireSuccess().out().strip().replaceAll("^\\S+ ", ""));
            }
            assertEquals(1, keys.size(), "the same host key each time: " + keys);

            // a runner through the balancer, a VPS made through Host 1, reached through the balancer
            runner = E2eFleet.startRunner(lbUrl, hosts.get(0).pin(), hosts.get(0).data(), runnerName,
                    dir.resolve("runner.credential"));
            Await.until("the runner enrolls through the balancer", Duration.ofSeconds(60),
                    () -> nodeOnline(viaLb, runnerName));
            Path key = SshKeygen.ed25519(dir.resolve("keys"), "user");
            SshClientFixture ssh = SshClientFixture.create(dir.resolve("client"), List.of(key), null);
            E2eFleet.ferry(hosts.get(0).cliEnv(), dir, "vps", "create", "--image", IMAGE, "--name", "several",
                    "--ssh-key", key + ".pub", "--wait", "--wait-timeout", "120").requireSuccess();
            String bastion = "127.0.0.1:" + lbSsh;
            for (int i = 0; i < 4; i++) {
                assertEquals("via-" + i, ssh.ssh("-J", "vps-several@" + bastion, "root@vps-several", "echo via-" + i)
                        .requireSuccess().out().strip());
            }
            for (HostProcess h : hosts) {
                assertTrue(E2eFleet.ferry(h.cliEnv(), dir, "vps", "status", "several").exit() == 0,
                        "every Host knows the VPS");
            }
            // the real client in the logs, never the balancer
            String logs = allLogs(hosts);
            assertTrue(logs.lines().anyMatch(l -> l.contains(" login with key ") && l.contains(" from 127.0.0.1:")),
                    "logins name the client");
            assertFalse(logs.lines().anyMatch(l -> l.contains(" login with key ") && l.contains(" from "
                    + BALANCER_SOURCE + ":")), "never the balancer");
            assertFalse(logs.contains(PostgresServer.PASSWORD), "the database password is never logged");
            String audits = allAudits(hosts);
            assertTrue(audits.contains("\"event\":\"login\"") && audits.contains("\"client\":\"127.0.0.1:"), audits);

            // ten creates at once through the three Hosts: the runner's room is never overcommitted
            int cpus = JSON.readTree(E2eFleet.ferry(viaLb, dir, "node", "list", "--json").requireSuccess().out())
                    .path("nodes").get(0).path("cpus").asInt();
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Future<Processes.Result>> creates = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                HostProcess through = hosts.get(i % 3);
                String name = "burst-" + i;
                creates.add(pool.submit(() -> E2eFleet.ferry(through.cliEnv(), dir, "vps", "create", "--image",
                        IMAGE, "--name", name, "--ssh-key", key + ".pub", "--cpus", "1")));
            }
            int made = 0;
            for (Future<Processes.Result> f : creates) {
                Processes.Result r = f.get(120, TimeUnit.SECONDS);
                if (r.exit() == 0) {
                    made++;
                } else {
                    assertTrue(r.err().contains("no online runner has room"), r.toString());
                }
            }
            pool.shutdown();
            // the VPS "several" was made without --cpus: it takes no room of its own
            assertEquals(cpus, made, "as many one-CPU VPS as the runner's " + cpus + " CPUs");

            // kill -9 of a Host: users go on through the others, nothing is lost, the runner stays online
            // the one that holds the watchdog's lease, so that the lease has to move
            String watchdog = watchdogHolder(hosts);
            HostProcess killed = hosts.stream().filter(h -> watchdog != null
                    && watchdog.contains(h.data().toString())).findFirst().orElse(hosts.get(0));
            killed.kill9();
            long killedAt = System.nanoTime();
            hosts.remove(killed);
            // the balancer as docs/operations.md configures it: no login fails, from the moment of the kill on
            for (int i = 0; i < 6; i++) {
                assertEquals("back-" + i, ssh.ssh("-J", "vps-several@" + bastion, "root@vps-several", "echo back-" + i)
                        .requireSuccess().out().strip(), "login " + i + " after kill -9 of a Host");
            }
            System.out.printf("several hosts: %d of 10 concurrent one-CPU creates placed on a %d-CPU runner; 6 jumps "
                    + "through the balancer, the first right after kill -9 of the watchdog's Host, all logged in "
                    + "(%d ms)%n", made, cpus, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            for (int i = 0; i < 4; i++) {
                assertEquals("after-" + i, ssh.ssh("-J", "vps-several@" + bastion, "root@vps-several",
                        "echo after-" + i).requireSuccess().out().strip());
            }
            JsonNode list = JSON.readTree(E2eFleet.ferry(viaLb, dir, "vps", "list", "--json").requireSuccess().out());
            assertEquals(1 + made, list.path("vps").size(), "every VPS is still there: " + list);
            Thread.sleep((SILENCE_SECONDS + 2) * 1000L); // longer than the watchdog's silence limit
            assertTrue(nodeOnline(viaLb, runnerName), "the runner's beats reach the Hosts left: still online");
            // the watchdog's lease goes to a live Host 15 s after its holder stopped renewing it (Membership)
            Await.value("the watchdog's lease held by a live Host (was: " + watchdog + ")", Duration.ofSeconds(60),
                    () -> watchdogHolder(hosts), now -> now != null && !now.contains(killed.data().toString()));
        } finally {
            if (runner != null) {
                runner.close();
            }
            if (haproxy != null) {
                haproxy.destroyForcibly();
            }
            for (HostProcess h : hosts) {
                h.close();
            }
            E2eFleet.removeContainersOf(runnerName);
        }
    }

    private boolean nodeOnline(Map<String, String> env, String name) {
        try {
            Processes.Result r = E2eFleet.ferry(env, dir, "node", "list", "--json");
            if (r.exit() != 0) {
                return false;
            }
            for (JsonNode n : JSON.readTree(r.out()).path("nodes")) {
                if (n.path("name").asText().equals(name)) {
                    return n.path("status").asText().equals("online");
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    /** HAProxy in TCP mode in front of the Hosts' SSH and API ports, PROXY v2 from its own source address. */
    /** A server line of the sample: {@code server h1 10.0.0.11:2222 send-proxy-v2 ...}. */
    private static final Pattern SAMPLE_SERVER =
            Pattern.compile("^(\\s+server h(\\d)) 10\\.0\\.0\\.1\\d:(2222|8000) (.*)$");

    /** HAProxy with the sample of docs/operations.md, its addresses and ports made the test's. */
    private Process haproxy(int ssh, int api, List<HostProcess> hosts) throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "operations.md"));
        String sample = doc.substring(doc.indexOf("\n    defaults\n") + 1);
        sample = sample.substring(0, sample.indexOf("\n\n")).replaceAll("(?m)^    ", "");
        StringBuilder cfg = new StringBuilder("global\n    maxconn 4096\n");
        for (String line : sample.split("\n")) {
            Matcher server = SAMPLE_SERVER.matcher(line);
            if (line.strip().equals("bind :22")) {
                line = "    bind 127.0.0.1:" + ssh;
            } else if (line.strip().equals("bind :8000")) {
                line = "    bind 127.0.0.1:" + api;
            } else if (server.matches()) {
                HostProcess h = hosts.get(Integer.parseInt(server.group(2)) - 1);
                line = server.group(1) + " 127.0.0.1:" + (server.group(3).equals("2222") ? h.sshPort() : h.apiPort())
                        + " source " + BALANCER_SOURCE + " " + server.group(4);
            }
            cfg.append(line).append('\n');
        }
        assertTrue(cfg.toString().contains("option redispatch") && cfg.toString().contains("bind 127.0.0.1:" + ssh),
                "the sample was found and made the test's:\n" + cfg);
        Path file = Files.writeString(dir.resolve("haproxy.cfg"), cfg.toString());
        Path haproxy = Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? Path.of("/usr/sbin/haproxy")
                : Path.of("haproxy");
        Process p = new ProcessBuilder(haproxy.toString(), "-db", "-f", file.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Await.until("HAProxy listens", Duration.ofSeconds(30), () -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", ssh)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return p;
    }

    private static String allLogs(List<HostProcess> hosts) throws Exception {
        StringBuilder all = new StringBuilder();
        for (HostProcess h : hosts) {
            all.append(h.log());
        }
        return all.toString();
    }

    private static String allAudits(List<HostProcess> hosts) throws Exception {
        StringBuilder all = new StringBuilder();
        for (HostProcess h : hosts) {
            Path audit = h.data().resolve("logs/audit.jsonl");
            if (Files.exists(audit)) {
                all.append(Files.readString(audit));
            }
        }
        return all.toString();
    }

    /** Whose lease the watchdog's is, as the Hosts' logs say (the last "runs the runner watchdog now" line). */
    private static String watchdogHolder(List<HostProcess> hosts) {
        String holder = null;
        String latest = "";
        for (HostProcess h : hosts) {
            for (String line : h.log().lines().toList()) {
                if (line.contains("runs the runner watchdog now") && line.compareTo(latest) > 0) {
                    latest = line;
                    holder = line;
                }
            }
        }
        return holder;
    }
}

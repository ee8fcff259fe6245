package dev.ferry.agent;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.agent.docker.DockerRuntime;
import dev.ferry.agent.testing.DockerTestSupport;
import dev.ferry.agent.testing.FakeHost;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.testing.Await;
import dev.ferry.testing.DockerImages;
import dev.ferry.testing.SshKeygen;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.ferry.agent.testing.DockerTestSupport.SSHD_IMAGE;
import static dev.ferry.agent.testing.DockerTestSupport.docker;
import static dev.ferry.agent.testing.DockerTestSupport.publicKey;
import static dev.ferry.agent.testing.DockerTestSupport.ssh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a hostile tenant, root in its VPS, cannot do, against the real Docker engine: reach another VPS's sshd
 * directly, use raw sockets or gain privileges, or take the runner down with a fork bomb. Small limits from the
 * runner's configuration keep it quick.
 */
class ConfinementDockerTest {
    private static final Duration UP = Duration.ofSeconds(30);
    private static final long PIDS = 64;
    private static final ContainerPolicy POLICY = new ContainerPolicy(null, PIDS, 0.5, 256L << 20, false,
            Duration.ofSeconds(20));

    @TempDir
    static Path dir;
    private static Path key;
    private static FakeHost host;
    private static RunnerAgent runner;
    private static String a;
    private static String b;

    @BeforeAll
    static void twoVps() {
        DockerImages.require();
        DockerTestSupport.removeTestContainers();
        key = SshKeygen.ed25519(dir, "tenant");
        host = new FakeHost();
        runner = RunnerAgent.start(new RunnerConfig(URI.create("http://127.0.0.1:1"), "test-token",
                DockerTestSupport.newRunnerName(), "127.0.0.1", null, Duration.ofMillis(300),
                dir.resolve("runner.credential"), null, POLICY), host,
                DockerRuntime.connect(null));
        a = DockerTestSupport.newVpsId();
        b = DockerTestSupport.newVpsId();
        host.want(a, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key)));
        host.want(b, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key)));
        running(a);
        running(b);
    }

    @AfterAll
    static void cleanUp() {
        if (runner != null) {
            runner.close();
        }
        DockerTestSupport.removeTestContainers();
    }

    private static ContainerReport running(String vpsId) {
        return host.await(vpsId, UP, "running and ssh_ready", r -> r.state() == ContainerState.RUNNING && r.sshReady());
    }

    private static String inspect(String vpsId, String format) {
        return docker("inspect", "-f", format, "ferry-vps-" + vpsId).ok().out().strip();
    }

    /** The first bytes an address:22 answers with, as a tenant's shell in VPS {@code from} reads them. */
    private static String bannerFrom(String from, String address) {
        return ssh(key, running(from).sshPort(), "timeout 3 bash -c 'exec 3<>/dev/tcp/" + address + "/22 && head -c 4 <&3'"
                + " 2>&1; echo \" exit=$?\"").out();
    }

    @Test
    void aVpsReachesOnlyItsOwnSshdNotAnotherVpsOne() {
        String addressOfB = inspect(b, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
        assertFalse(addressOfB.isBlank());
        String own = bannerFrom(a, "127.0.0.1");
        assertTrue(own.startsWith("SSH-"), "the check itself works: A reaches its own sshd: " + own);
        String other = bannerFrom(a, addressOfB);
        assertFalse(other.contains("SSH-"), "A reached B's sshd at " + addressOfB + ": " + other);
        assertFalse(other.contains("exit=0"), other);

        assertEquals("[" + ContainerPolicy.NETWORK + "]", inspect(a, "{{range $k, $v := .NetworkSettings.Networks}}"
                + "[{{$k}}]{{end}}"), "on the VPS network only");
        assertEquals("false", docker("network", "inspect", "-f",
                "{{index .Options \"com.docker.network.bridge.enable_icc\"}}", ContainerPolicy.NETWORK).ok().out().strip());
    }

    @Test
    void loginScpAndSftpWorkWithTheReducedCapabilities() throws Exception {
        int port = running(a).sshPort();
        assertEquals("root /root\n", ssh(key, port, "echo $(id -un) $HOME").ok().out());
        Path file = Files.writeString(dir.resolve("payload.txt"), "over scp\n");
        List<String> opts = List.of("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o",
                "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "-i", key.toString(), "-P",
                Integer.toString(port));
        DockerTestSupport.run(concat(List.of("scp"), opts, List.of(file.toString(), "root@127.0.0.1:/tmp/")), 30).ok();
        assertEquals("over scp\n", ssh(key, port, "cat /tmp/payload.txt").ok().out());
        Path batch = Files.writeString(dir.resolve("sftp-batch"), "get /tmp/payload.txt " + dir.resolve("back.txt")
                + "\n");
        DockerTestSupport.run(concat(List.of("sftp", "-b", batch.toString()), opts, List.of("root@127.0.0.1")), 30)
                .ok();
        assertEquals("over scp\n", Files.readString(dir.resolve("back.txt")));
    }

    @Test
    void noRawSocketsAndNoNewPrivileges() {
        int port = running(a).sshPort();
        DockerTestSupport.Result ping = ssh(key, port, "busybox ping -c 1 -W 1 127.0.0.1 2>&1");
        assertNotEquals(0, ping.code());
        assertTrue(ping.out().contains("permission denied"), ping.out());
        String status = ssh(key, port, "grep -E '^(NoNewPrivs|CapEff)' /proc/self/status").ok().out();
        assertTrue(status.contains("NoNewPrivs:\t1"), status);
        long caps = Long.parseUnsignedLong(status.replaceAll("(?s).*CapEff:\\s*([0-9a-f]+).*", "$1"), 16);
        long netRaw = 1L << 13;
        long mknod = 1L << 27;
        assertEquals(0, caps & (netRaw | mknod), "NET_RAW and MKNOD are gone: " + Long.toHexString(caps));
        assertEquals(Long.toString(PIDS), inspect(a, "{{.HostConfig.PidsLimit}}"));
        assertEquals("500000000", inspect(a, "{{.HostConfig.NanoCpus}}"), "the default CPU limit");
        assertEquals(Long.toString(256L << 20), inspect(a, "{{.HostConfig.Memory}}"), "the default memory limit");
    }

    @Test
    void aForkBombStaysInItsVpsAndTheRunnerGoesOn() {
        String bomb = DockerTestSupport.newVpsId();
        host.want(bomb, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key)));
        running(bomb);
        String container = "ferry-vps-" + bomb;
        // Checked before the bomb goes off: without its limit it would take this machine's pids, not its own.
        assertEquals(Long.toString(PIDS), inspect(bomb, "{{.HostConfig.PidsLimit}}"));
        String max = docker("exec", container, "sh", "-c",
                "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max").ok().out().strip();
        assertEquals(Long.toString(PIDS), max, "the kernel enforces it in the container");
        long t0 = System.nanoTime();
        try {
            // The classic bomb, and a loop that keeps what it forks (bash retries a failed fork and goes on), from one
            // exec: a process docker exec attaches joins the cgroup past its limit (the kernel allows a move in).
            docker("exec", "-d", container, "sh", "-c", "bash -c 'while :; do sleep 600 & done' & b() { b | b & }; b")
                    .ok();
            // The proof is the kernel's: it refused the bomb's forks at the limit checked above (pids.current may still
            // pass it by a process the runner's start-up step attaches). Read beside the engine, not through
            // docker stats: the runner soon fails this VPS (its sshd no longer answers) and stops it, after which the
            // stats read 0, and with half a CPU a busy machine may not fill the VPS before that.
            PidsCgroup cgroup = PidsCgroup.of(container);
            Await.until("the kernel refuses the bomb's forks at its VPS's limit (" + cgroup + ")", Duration.ofSeconds(60),
                    () -> cgroup.refusedForks() > 0);

            int heartbeats = host.heartbeats.size();
            String other = DockerTestSupport.newVpsId();
            host.want(other, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key)));
            assertEquals("still here\n", ssh(key, running(other).sshPort(), "echo still here").ok().out());
            assertEquals("b\n", ssh(key, running(b).sshPort(), "echo b").ok().out());
            assertTrue(host.heartbeats.size() > heartbeats + 2, "heartbeats go on");
        } finally {
            host.desired.remove(bomb);
            docker("rm", "-f", container);
        }
        System.out.printf("fork bomb: another VPS created and reached in %d ms%n",
                Duration.ofNanos(System.nanoTime() - t0).toMillis());
    }

    /**
     * A container's pids cgroup as this machine sees it (cgroup v1's pids hierarchy or v2's unified one), read while
     * the container runs; a stopped container's counter reads 0.
     */
    private record PidsCgroup(Path dir) {
        static PidsCgroup of(String container) {
            String pid = docker("inspect", "-f", "{{.State.Pid}}", container).ok().out().strip();
            try {
                Path v2 = null;
                for (String line : Files.readAllLines(Path.of("/proc", pid, "cgroup"))) {
                    String[] f = line.split(":", 3);
                    if (f[1].equals("pids")) {
                        return new PidsCgroup(Path.of("/sys/fs/cgroup/pids" + f[2]));
                    }
                    if (f[0].equals("0")) {
                        v2 = Path.of("/sys/fs/cgroup" + f[2]);
                    }
                }
                assertTrue(v2 != null && Files.exists(v2.resolve("pids.events")), "no pids cgroup for " + container);
                return new PidsCgroup(v2);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The forks the kernel refused because the limit was reached ({@code max N} in pids.events). */
        long refusedForks() {
            String events = read("pids.events");
            return events.startsWith("max ") ? Long.parseLong(events.substring(4).lines().findFirst().orElseThrow()
                    .strip()) : 0;
        }

        private String read(String file) {
            try {
                return Files.readString(dir.resolve(file));
            } catch (NoSuchFileException e) {
                return "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }
}

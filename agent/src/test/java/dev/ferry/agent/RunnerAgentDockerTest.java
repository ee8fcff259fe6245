package dev.ferry.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.agent.docker.DockerRuntime;
import dev.ferry.agent.docker.PortRange;
import dev.ferry.agent.onstart.OnStartStep;
import dev.ferry.agent.onstart.SshBanner;
import dev.ferry.agent.testing.DockerTestSupport;
import dev.ferry.agent.testing.FakeHost;
import dev.ferry.keys.HostKeyLine;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.keys.VpsPrincipals;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.testing.Await;
import dev.ferry.testing.DockerImages;
import dev.ferry.testing.SshKeygen;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static dev.ferry.agent.testing.DockerTestSupport.ENTRYPOINT_ONLY_IMAGE;
import static dev.ferry.agent.testing.DockerTestSupport.NO_SSHD_IMAGE;
import static dev.ferry.agent.testing.DockerTestSupport.OWN_SSHD_IMAGE;
import static dev.ferry.agent.testing.DockerTestSupport.SSHD_IMAGE;
import static dev.ferry.agent.testing.DockerTestSupport.docker;
import static dev.ferry.agent.testing.DockerTestSupport.publicKey;
import static dev.ferry.agent.testing.DockerTestSupport.ssh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole runner against the real Docker engine and the test images, with a hand-written Host: VPS
 * containers are created, reached with OpenSSH, paused, stopped, restarted and adopted.
 */
class RunnerAgentDockerTest {
    private static final Duration UP = Duration.ofSeconds(30);

    @TempDir
    static Path keys;
    private static Path key1;
    private static Path key2;

    private final List<RunnerAgent> runners = new ArrayList<>();
    private String runnerName;
    private FakeHost host;

    @BeforeAll
    static void images() {
        DockerImages.require();
        DockerTestSupport.removeTestContainers();
        key1 = SshKeygen.ed25519(keys, "key1");
        key2 = SshKeygen.ed25519(keys, "key2");
    }

    @AfterAll
    static void cleanUp() {
        DockerTestSupport.removeTestContainers();
    }

    @BeforeEach
    void startRunner() {
        runnerName = DockerTestSupport.newRunnerName();
        host = new FakeHost();
        start(host);
    }

    @AfterEach
    void stopRunners() {
        runners.forEach(RunnerAgent::close);
    }

    private RunnerAgent start(FakeHost h) {
        return start(h, null);
    }

    private RunnerAgent start(FakeHost h, PortRange ports) {
        RunnerConfig config = new RunnerConfig(URI.create("http://127.0.0.1:1"), "test-token", runnerName,
                "127.0.0.1", null, Duration.ofMillis(300), keys.resolve(runnerName + ".credential"), ports, null);
        RunnerAgent r = RunnerAgent.start(config, h, DockerRuntime.connect(null));
        runners.add(r);
        return r;
    }

    private ContainerReport awaitRunning(FakeHost h, String vpsId) {
        return h.await(vpsId, UP, "running and ssh_ready", r -> r.state() == ContainerState.RUNNING && r.sshReady());
    }

    private static JsonNode inspect(String container) throws Exception {
        return new ObjectMapper().readTree(docker("inspect", container).ok().out()).get(0);
    }

    @Test
    void createsAVpsThatOpenSshReachesWithItsKeyOnly() throws Exception {
        String id = DockerTestSupport.newVpsId();
        host.want(id, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
        ContainerReport r = awaitRunning(host, id);
        assertNotNull(r.containerId());
        assertNotNull(r.startedAt());
        assertNull(r.error());
        int port = r.sshPort();
        assertTrue(SshBanner.answers("127.0.0.1", port, Duration.ofSeconds(2)));
        assertEquals("ok root\n", ssh(key1, port, "echo ok $(id -un)").ok().out());
        assertNotEquals(0, ssh(key2, port, "true").code(), "a key that is not the VPS's is refused");

        JsonNode c = inspect("ferry-vps-" + id);
        JsonNode published = c.at("/NetworkSettings/Ports/22~1tcp");
        assertEquals(1, published.size(), "published once, on the advertised address only: " + published);
        assertEquals("127.0.0.1", published.get(0).get("HostIp").asText());
        assertEquals(port, published.get(0).get("HostPort").asInt());
        assertEquals(runnerName, c.at("/Config/Labels/ferry.runner").asText());
        assertEquals("true", c.at("/Config/Labels/ferry.managed").asText());
        assertEquals(id, c.at("/Config/Labels/ferry.vps.id").asText());

        String config = docker("exec", "ferry-vps-" + id, "cat", "/etc/ssh/ferry_sshd_config").ok().out();
        assertTrue(config.contains("PasswordAuthentication no") && config.contains("PermitRootLogin prohibit-password"),
                config);
        String log = docker("exec", "ferry-vps-" + id, "cat", "/var/log/ferry-onstart.log").ok().out();
        assertTrue(log.contains("sshd started"), log);
        assertEquals("600", docker("exec", "ferry-vps-" + id, "stat", "-c", "%a", "/root/.ssh/authorized_keys")
                .ok().out().strip());
    }

    @Test
    void aPublishedPortTakenByAnotherSocketIsPassedOverNotAFailure() throws Exception {
        // Docker picks the first port of a range it has not used yet and binds it without asking whether another
        // socket holds it; a runner of its own with a fresh range whose first two ports are held
        runners.forEach(RunnerAgent::close);
        int first = 40000 + 4 * ThreadLocalRandom.current().nextInt(1500);
        FakeHost h = new FakeHost();
        try (ServerSocket a = new ServerSocket(first, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(first + 1, 1, InetAddress.getLoopbackAddress())) {
            start(h, new PortRange(first, first + 3));
            String id = DockerTestSupport.newVpsId();
            h.want(id, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
            ContainerReport r = awaitRunning(h, id);
            assertTrue(r.sshPort() == first + 2 || r.sshPort() == first + 3, "published on " + r.sshPort());
            assertEquals("ok\n", ssh(key1, r.sshPort(), "echo ok").ok().out());
            assertTrue(h.heartbeats.stream().flatMap(hb -> hb.containers().stream())
                    .noneMatch(c -> c.state() == ContainerState.FAILED), "never reported failed");
        }
    }

    @Test
    void aStalePidFileNamingAnotherProcessDoesNotPassForFerrysSshd() throws Exception {
        String id = DockerTestSupport.newVpsId();
        host.want(id, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
        ContainerReport r = awaitRunning(host, id);
        String container = "ferry-vps-" + id;
        // after a restart pids start again from 1, and the pid file may name the step's own shell, whose command
        // line holds the config's path: here a shell like it, while Ferry's sshd is gone
        docker("exec", container, "sh", "-c", "kill $(cat /run/ferry-sshd.pid)").ok();
        docker("exec", "-d", container, "sh", "-c", "echo $$ > /run/ferry-sshd.pid; sleep 300; "
                + ": /etc/ssh/ferry_sshd_config").ok();
        String containerId = docker("inspect", "-f", "{{.Id}}", container).ok().out().strip();
        Await.until("the decoy's pid in the pid file", Duration.ofSeconds(10), () -> !docker("exec", container, "sh",
                "-c", "cat /proc/$(cat /run/ferry-sshd.pid)/comm").out().strip().equals("sshd"));
        OnStartStep.Result again = new OnStartStep(DockerRuntime.connect(null), Duration.ofSeconds(60))
                .run(containerId, id, SSHD_IMAGE, List.of(publicKey(key1)), Map.of(), List.of(), null, null);
        assertEquals(OnStartStep.Outcome.OK, again.outcome(), again.message());
        assertEquals("up\n", ssh(key1, r.sshPort(), "echo up").ok().out(), "the step started sshd");
    }

    @Test
    void theUserCaIsTrustedAndTheContainersHostKeyIsReported() {
        Path ca = SshKeygen.ed25519(keys, "user-ca-" + runnerName);
        Path certified = SshKeygen.ed25519(keys, "certified-" + runnerName);
        host.userCaKeys = List.of(publicKey(ca));
        String id = DockerTestSupport.newVpsId();
        host.want(id, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
        ContainerReport r = awaitRunning(host, id);
        String container = "ferry-vps-" + id;

        assertEquals(publicKey(ca), docker("exec", container, "cat", "/etc/ssh/ferry_user_ca_keys.pub").ok().out()
                .strip());
        String config = docker("exec", container, "cat", "/etc/ssh/ferry_sshd_config").ok().out();
        assertTrue(config.contains("\nTrustedUserCAKeys /etc/ssh/ferry_user_ca_keys.pub\n"), config);
        assertTrue(config.contains("\nAuthorizedPrincipalsFile " + VpsPrincipals.FILE + "\n"), config);
        assertEquals(VpsPrincipals.of(Long.parseLong(id)) + "\n", docker("exec", container, "cat",
                VpsPrincipals.FILE).ok().out(), "the principals file names this VPS only");
        assertNotEquals(0, ssh(certified, r.sshPort(), "true").code(), "its key alone is not authorized");
        // certificates for another VPS, or for the login user (as they were before they named their VPS): refused
        for (String other : List.of(VpsPrincipals.of(Long.parseLong(id) + 1), "root")) {
            SshKeygen.certify(ca, certified, other);
            assertNotEquals(0, ssh(certified, r.sshPort(), "true").code(), "a certificate for " + other);
        }
        SshKeygen.certify(ca, certified, VpsPrincipals.of(Long.parseLong(id)));
        assertEquals("cert root\n", ssh(certified, r.sshPort(), "echo cert $(id -un)").ok().out(),
                "a certificate of the user CA for this VPS logs in");

        String file = docker("exec", container, "cat", "/etc/ssh/ssh_host_ed25519_key.pub").ok().out();
        assertEquals(HostKeyLine.normalize(file), r.hostKey());
        assertTrue(r.hostKey().startsWith("ssh-ed25519 ") && r.hostKey().split(" ").length == 2, r.hostKey());
    }

    @Test
    void anImageRunningItsOwnSshdAsPid1TrustsTheUserCaToo() {
        Path ca = SshKeygen.ed25519(keys, "user-ca-own-" + runnerName);
        Path certified = SshKeygen.ed25519(keys, "certified-own-" + runnerName);
        host.userCaKeys = List.of(publicKey(ca));
        String id = DockerTestSupport.newVpsId();
        SshKeygen.certify(ca, certified, VpsPrincipals.of(Long.parseLong(id)));
        host.want(id, OWN_SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
        ContainerReport r = awaitRunning(host, id);
        String container = "ferry-vps-" + id;
        String pid1 = docker("exec", container, "cat", "/proc/1/cmdline").ok().out();
        assertTrue(pid1.contains("sshd"), "the image's sshd is pid 1: " + pid1);
        String config = docker("exec", container, "cat", "/etc/ssh/sshd_config").ok().out();
        assertTrue(config.contains("\nTrustedUserCAKeys /etc/ssh/ferry_user_ca_keys.pub\n"), config);
        assertTrue(config.contains("\nAuthorizedPrincipalsFile " + VpsPrincipals.FILE + "\n"), config);
        assertEquals("cert\n", ssh(certified, r.sshPort(), "echo cert").ok().out());
        assertEquals(HostKeyLine.normalize(docker("exec", container, "cat", "/etc/ssh/ssh_host_ed25519_key.pub").ok()
                .out()), r.hostKey());
        // the image came with host keys, which every container of it (and every tenant) would share: this VPS has
        // its own, and its sshd serves them
        String imageKey = docker("run", "--rm", "--entrypoint", "cat", OWN_SSHD_IMAGE,
                "/etc/ssh/ssh_host_ed25519_key.pub").ok().out();
        assertFalse(SshPublicKey.parse(imageKey).sameKey(SshPublicKey.parse(r.hostKey())), "the image's host key");
        String served = DockerTestSupport.run(List.of("ssh-keyscan", "-t", "ed25519", "-p",
                Integer.toString(r.sshPort()), "127.0.0.1"), 30).ok().out();
        assertTrue(served.contains(r.hostKey()), "served: " + served + ", reported: " + r.hostKey());

        // run again, as for an sshd that missed checks because it is busy: a reload would drop the connections
        // waiting in its listen queue, so with nothing changed the same listening sockets stay
        String sockets = listeningSockets(container);
        // by the container's id, as the runner names it (its host keys are those made in the container of this id)
        String containerId = docker("inspect", "-f", "{{.Id}}", container).ok().out().strip();
        OnStartStep.Result again = new OnStartStep(DockerRuntime.connect(null), Duration.ofSeconds(60))
                .run(containerId, id, OWN_SSHD_IMAGE, List.of(publicKey(key1)), Map.of(), List.of(publicKey(ca)),
                        null, null);
        assertEquals(OnStartStep.Outcome.OK, again.outcome(), again.message());
        assertTrue(docker("exec", container, "cat", OnStartStep.LOG_FILE).ok().out()
                .contains("already has Ferry's settings"), "logged that it left the sshd alone");
        assertEquals(sockets, listeningSockets(container), "the image's sshd was not reloaded");
        assertEquals(r.hostKey(), again.hostKey(), "a run again keeps the VPS's host key");
        assertEquals("cert\n", ssh(certified, r.sshPort(), "echo cert").ok().out());
    }

    /** The sockets pid 1 holds, as {@code socket:[inode]}: a reloaded sshd opens new ones. */
    private static String listeningSockets(String container) {
        String fds = docker("exec", container, "sh", "-c", "ls -l /proc/1/fd | grep -o 'socket:.*' | sort").ok().out();
        assertTrue(fds.contains("socket:"), "pid 1 listens: " + fds);
        return fds;
    }

    @Test
    void anImageWhoseEntrypointNeverStartsSshdGetsSshdAnyway() {
        String id = DockerTestSupport.newVpsId();
        host.want(id, ENTRYPOINT_ONLY_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
        ContainerReport r = awaitRunning(host, id);
        assertEquals("up\n", ssh(key1, r.sshPort(), "echo up").ok().out());
        String pid1 = docker("exec", "ferry-vps-" + id, "cat", "/proc/1/cmdline").ok().out();
        assertTrue(pid1.contains("app-entrypoint.sh"), "the image's own entrypoint is kept: " + pid1);
    }

    @Test
    void anImageWithoutSshdFailsWithTheFixAndLeavesNothingRunning() {
        String id = DockerTestSupport.newVpsId();
        host.want(id, NO_SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
        ContainerReport r = host.await(id, UP, "failed", x -> x.state() == ContainerState.FAILED);
        assertTrue(r.error().contains(NO_SSHD_IMAGE) && r.error().contains("lacks openssh-server")
                && r.error().contains("apt-get install -y openssh-server"), r.error());
        assertEquals("", docker("ps", "-aq", "--filter", "name=ferry-vps-" + id).ok().out().strip(),
                "no container is left");
    }

    @Test
    void aMissingImageFailsNamingIt() {
        String id = DockerTestSupport.newVpsId();
        host.want(id, "ferry-test/not-built:1", DesiredState.RUNNING, List.of(publicKey(key1)));
        ContainerReport r = host.await(id, UP, "failed", x -> x.state() == ContainerState.FAILED);
        assertTrue(r.error().contains("ferry-test/not-built:1") && r.error().contains("build or load it"), r.error());
        assertEquals("", docker("ps", "-aq", "--filter", "name=ferry-vps-" + id).ok().out().strip());
    }

    @Test
    void pauseResumeStopStartAndRemove() {
        String id = DockerTestSupport.newVpsId();
        host.want(id, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
        int port = awaitRunning(host, id).sshPort();

        host.want(id, DesiredState.PAUSED);
        host.await(id, UP, "paused", r -> r.state() == ContainerState.PAUSED && !r.sshReady());
        assertEquals("paused", docker("inspect", "-f", "{{.State.Status}}", "ferry-vps-" + id).ok().out().strip());

        host.want(id, DesiredState.RUNNING);
        assertEquals(port, awaitRunning(host, id).sshPort(), "resumed on the same port");
        ssh(key1, port, "true").ok();

        host.want(id, DesiredState.STOPPED);
        ContainerReport stopped = host.await(id, UP, "stopped", r -> r.state() == ContainerState.STOPPED);
        assertNull(stopped.sshPort());
        assertEquals("exited", docker("inspect", "-f", "{{.State.Status}}", "ferry-vps-" + id).ok().out().strip());

        host.want(id, DesiredState.RUNNING);
        ContainerReport again = awaitRunning(host, id);
        ssh(key1, again.sshPort(), "true").ok();

        host.desired.remove(id);
        Await.value("a VPS the Host no longer lists is removed", UP,
                () -> docker("ps", "-aq", "--filter", "name=ferry-vps-" + id).ok().out(), String::isBlank);
    }

    @Test
    void dockerRestartRunsTheStepAgainAndNewKeysAreApplied() {
        String id = DockerTestSupport.newVpsId();
        host.want(id, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
        ContainerReport before = awaitRunning(host, id);

        docker("restart", "-t", "2", "ferry-vps-" + id).ok();
        ContainerReport after = host.await(id, UP, "running after the restart", r -> r.state() == ContainerState.RUNNING
                && r.sshReady() && !r.startedAt().equals(before.startedAt()));
        assertEquals("back\n", ssh(key1, after.sshPort(), "echo back").ok().out());

        host.keys(id, List.of(publicKey(key2)));
        Await.until("the new key applied", UP, () -> ssh(key2, after.sshPort(), "true").code() == 0);
        assertNotEquals(0, ssh(key1, after.sshPort(), "true").code(), "the removed key no longer works");
    }

    @Test
    void aNewAgentAdoptsTheContainersWithTheirPorts() {
        String id = DockerTestSupport.newVpsId();
        host.want(id, SSHD_IMAGE, DesiredState.RUNNING, List.of(publicKey(key1)));
        ContainerReport first = awaitRunning(host, id);
        runners.remove(0).close();
        assertEquals("running", docker("inspect", "-f", "{{.State.Status}}", "ferry-vps-" + id).ok().out().strip(),
                "stopping the agent leaves the VPS running");

        FakeHost second = new FakeHost();
        second.desired.putAll(host.desired);
        start(second);
        ContainerReport adopted = awaitRunning(second, id);
        assertEquals(first.containerId(), adopted.containerId());
        assertEquals(first.sshPort(), adopted.sshPort());
        assertEquals(first.startedAt(), adopted.startedAt(), "adopted as it was, not restarted");
        ssh(key1, adopted.sshPort(), "true").ok();
    }
}

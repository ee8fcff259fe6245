package dev.ferry.agent.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.agent.testing.DockerTestSupport;
import dev.ferry.testing.DockerImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.ferry.agent.testing.DockerTestSupport.ENTRYPOINT_ONLY_IMAGE;
import static dev.ferry.agent.testing.DockerTestSupport.SSHD_IMAGE;
import static dev.ferry.agent.testing.DockerTestSupport.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DockerRuntime} against the real Docker engine of this machine. */
class DockerRuntimeTest {
    private static final List<String> KEEP_ALIVE = List.of("/bin/sh", "-c",
            "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done");
    private static DockerRuntime runtime;
    private static String runner;

    @BeforeAll
    static void setUp() {
        DockerImages.require();
        runtime = DockerRuntime.connect(null);
        runner = DockerTestSupport.newRunnerName();
    }

    @AfterAll
    static void tearDown() {
        DockerTestSupport.removeTestContainers();
        runtime.close();
    }

    private static ContainerSpec spec(String vpsId, String image, List<String> cmd) {
        return spec(vpsId, image, cmd, null);
    }

    private static ContainerSpec spec(String vpsId, String image, List<String> cmd, PortRange ports) {
        return new ContainerSpec("ferry-vps-" + vpsId, "vps-" + vpsId, image, cmd,
                Map.of("ferry.vps.id", vpsId, "ferry.runner", runner, "ferry.managed", "true"),
                500_000_000L, 256L << 20, "127.0.0.1", ports, ContainerPolicy.DEFAULTS);
    }

    @Test
    void engineAnswers() {
        EngineInfo info = runtime.engineInfo();
        assertFalse(info.version().isBlank());
        assertTrue(info.cpus() > 0 && info.memoryBytes() > 0, info.toString());
        assertEquals(info.version(), runtime.version());
    }

    @Test
    void imagesAreInspectedAndMissingOnesAreEmpty() {
        ImageInfo plain = runtime.image(SSHD_IMAGE).orElseThrow();
        assertTrue(plain.entrypoint().isEmpty() && plain.cmd().isEmpty(), plain.toString());
        assertFalse(plain.hasLongRunningCommand());
        assertTrue(runtime.image(ENTRYPOINT_ONLY_IMAGE).orElseThrow().hasLongRunningCommand());
        assertTrue(runtime.image("ferry-test/no-such-image:1").isEmpty());
        ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class,
                () -> runtime.pull("ferry-test/no-such-image:1", Duration.ofSeconds(20)));
        assertTrue(e.getMessage().contains("ferry-test/no-such-image:1"), e.getMessage());
    }

    @Test
    void publishesPort22OnTheGivenAddressOnlyWithLimitsAndRestartPolicy() throws Exception {
        String vpsId = DockerTestSupport.newVpsId();
        String id = runtime.create(spec(vpsId, SSHD_IMAGE, KEEP_ALIVE));
        runtime.start(id);
        ManagedContainer c = runtime.inspect(id).orElseThrow();
        assertEquals("running", c.status());
        assertEquals("ferry-vps-" + vpsId, c.name());
        assertEquals("127.0.0.1", c.sshHostIp());
        assertNotNull(c.sshPort());
        assertNotNull(c.startedAt());
        assertEquals(vpsId, c.label("ferry.vps.id"));

        JsonNode inspect = new ObjectMapper().readTree(docker("inspect", id).ok().out()).get(0);
        JsonNode configured = inspect.at("/HostConfig/PortBindings/22~1tcp");
        assertEquals(1, configured.size(), configured.toString());
        assertEquals("127.0.0.1", configured.get(0).get("HostIp").asText());
        assertEquals("", configured.get(0).get("HostPort").asText(), "Docker picks the port");
        JsonNode published = inspect.at("/NetworkSettings/Ports/22~1tcp");
        assertEquals(1, published.size(), "one binding only, no 0.0.0.0 or :: one: " + published);
        assertEquals("127.0.0.1", published.get(0).get("HostIp").asText());
        assertEquals(c.sshPort().intValue(), published.get(0).get("HostPort").asInt());
        assertEquals("unless-stopped", inspect.at("/HostConfig/RestartPolicy/Name").asText());
        assertEquals(500_000_000L, inspect.at("/HostConfig/NanoCpus").asLong());
        assertEquals(256L << 20, inspect.at("/HostConfig/Memory").asLong());
        assertEquals("vps-" + vpsId, inspect.at("/Config/Hostname").asText());
    }

    @Test
    void publishesWithinTheEnrolledPortRange() {
        PortRange range = new PortRange(47300, 47399);
        String id = runtime.create(spec(DockerTestSupport.newVpsId(), SSHD_IMAGE, KEEP_ALIVE, range));
        runtime.start(id);
        int port = runtime.inspect(id).orElseThrow().sshPort();
        assertTrue(port >= 47300 && port <= 47399, "published on " + port);
    }

    @Test
    void execRunsAsRootWithTheEnvironmentAndGivesTheExitCode() {
        String id = runtime.create(spec(DockerTestSupport.newVpsId(), SSHD_IMAGE, KEEP_ALIVE));
        runtime.start(id);
        ExecResult r = runtime.exec(id, List.of("/bin/sh", "-c", "id -u; echo \"$GREETING\"; echo oops >&2; exit 7"),
                Map.of("GREETING", "hello\nworld"), Duration.ofSeconds(20));
        assertEquals(7, r.exitCode());
        assertTrue(r.output().contains("0\n") && r.output().contains("hello\nworld") && r.output().contains("oops"),
                r.output());
    }

    @Test
    void aRunningContainerTakesANewHostNameUntilItStartsAgain() {
        String vpsId = DockerTestSupport.newVpsId();
        String id = runtime.create(spec(vpsId, SSHD_IMAGE, KEEP_ALIVE));
        runtime.start(id);
        // Docker's DNS keeps answering for the create's name (an alias on the network): only /etc/hosts is ours
        String show = "hostname; cat /etc/hostname; getent hosts web-" + vpsId + " | wc -l; grep -cw vps-" + vpsId
                + " /etc/hosts; true";
        assertEquals("vps-" + vpsId + "\nvps-" + vpsId + "\n0\n1\n", shell(id, show));
        assertTrue(runtime.rename(id, "web-" + vpsId));
        assertEquals("web-" + vpsId + "\nweb-" + vpsId + "\n1\n0\n", shell(id, show),
                "the kernel's name, /etc/hostname and /etc/hosts");
        assertFalse(runtime.rename(id, "web-" + vpsId), "named so already");
        runtime.stop(id, Duration.ofSeconds(5));
        runtime.start(id);
        assertEquals("vps-" + vpsId + "\nvps-" + vpsId + "\n0\n1\n", shell(id, show), "Docker's name at a start");
    }

    private static String shell(String id, String script) {
        ExecResult r = runtime.exec(id, List.of("/bin/sh", "-c", script), Map.of(), Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    @Test
    void aCommandThatHangsIsAbandonedAtItsTimeLimit() {
        String id = runtime.create(spec(DockerTestSupport.newVpsId(), SSHD_IMAGE, KEEP_ALIVE));
        runtime.start(id);
        long t0 = System.nanoTime();
        ExecTimeoutException e = assertThrows(ExecTimeoutException.class, () -> runtime.exec(id,
                List.of("/bin/sh", "-c", "echo started; sleep 60"), Map.of(), Duration.ofSeconds(1)));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "abandoned after " + took.toMillis() + " ms");
        assertTrue(e.getMessage().contains("did not end within 1000 ms and was abandoned"), e.getMessage());
        assertEquals(0, runtime.exec(id, List.of("true"), Map.of(), Duration.ofSeconds(10)).exitCode(),
                "the next command runs");
    }

    @Test
    void pauseUnpauseStopStartRemoveAreIdempotent() {
        String id = runtime.create(spec(DockerTestSupport.newVpsId(), SSHD_IMAGE, KEEP_ALIVE));
        runtime.start(id);
        runtime.start(id);
        runtime.pause(id);
        runtime.pause(id);
        assertEquals("paused", runtime.inspect(id).orElseThrow().status());
        runtime.unpause(id);
        runtime.unpause(id);
        assertEquals("running", runtime.inspect(id).orElseThrow().status());
        long t0 = System.nanoTime();
        runtime.stop(id, Duration.ofSeconds(10));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 5, "the keep-alive command ends on TERM");
        runtime.stop(id, Duration.ofSeconds(10));
        ManagedContainer stopped = runtime.inspect(id).orElseThrow();
        assertEquals("exited", stopped.status());
        assertTrue(stopped.isDown());
        runtime.remove(id);
        runtime.remove(id);
        assertTrue(runtime.inspect(id).isEmpty());
    }

    @Test
    void listFindsContainersByLabel() {
        String vpsId = DockerTestSupport.newVpsId();
        String id = runtime.create(spec(vpsId, SSHD_IMAGE, KEEP_ALIVE));
        List<ManagedContainer> mine = runtime.list(Map.of("ferry.runner", runner, "ferry.managed", "true"));
        assertTrue(mine.stream().anyMatch(c -> c.id().equals(id) && "created".equals(c.status())), mine.toString());
        assertTrue(runtime.list(Map.of("ferry.runner", runner + "-other")).isEmpty());
    }

    @Test
    void nameConflictIsRefusedWithDockersReason() {
        String vpsId = DockerTestSupport.newVpsId();
        runtime.create(spec(vpsId, SSHD_IMAGE, KEEP_ALIVE));
        ContainerRuntimeException e = assertThrows(ContainerRuntimeException.class,
                () -> runtime.create(spec(vpsId, SSHD_IMAGE, KEEP_ALIVE)));
        assertTrue(e.getMessage().contains("ferry-vps-" + vpsId) && e.getMessage().contains("already in use"),
                e.getMessage());
    }
}

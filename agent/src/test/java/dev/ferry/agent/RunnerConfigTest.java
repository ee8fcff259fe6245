package dev.ferry.agent;

import dev.ferry.agent.docker.PortRange;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunnerConfigTest {
    private static final URI HOST = URI.create("http://127.0.0.1:8022");

    private static RunnerConfig config(URI host, String token, String name, String advertise, String docker) {
        return new RunnerConfig(host, token, name, advertise, docker, null, Path.of("/tmp/r1.credential"), null, null);
    }

    private static void rejected(String option, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(option), e.getMessage());
    }

    @Test
    void defaults() {
        RunnerConfig c = config(HOST, "t0ken", "r1", "127.0.0.1", null);
        assertEquals("unix:///var/run/docker.sock", c.dockerHost());
        assertEquals(Duration.ofSeconds(5), c.heartbeat());
        String[] kernel = assertDoesNotThrow(() -> java.nio.file.Files.readAllLines(
                Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).strip().split("\\s+"));
        assertEquals(kernel[0] + "-" + kernel[1], PortRange.ephemeral().toString(), "this machine's range, from /proc");
    }

    @Test
    void plainHttpToAnotherMachineIsRefusedBeforeAnyTokenIsSent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(
                URI.create("http://10.0.0.5:8000"), "t0ken", "r1", "10.0.0.7", null));
        assertEquals("http://10.0.0.5:8000 is plain HTTP to another machine, which would send the token unencrypted; "
                + "a Host reachable from elsewhere speaks TLS: use https://10.0.0.5:8000 and pass --host-fingerprint "
                + "or set [runner] host_fingerprint with the 'TLS key sha256:...' that 'ferry host' prints at start",
                e.getMessage());
        for (String local : List.of("http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000",
                "http://127.0.0.2:8000")) {
            assertEquals(local, config(URI.create(local), "t0ken", "r1", "127.0.0.1", null).hostUrl().toString());
        }
    }

    @Test
    void portRangesAreCheckedAndParsed() {
        assertEquals(new PortRange(40000, 40999), PortRange.parse("40000-40999"));
        rejected("--port-range", () -> PortRange.parse("40000"));
        rejected("--port-range", () -> PortRange.parse("41000-40000"));
        rejected("--port-range", () -> PortRange.parse("22-2222"));
    }

    @Test
    void tokenPrintsAsSecret() {
        RunnerConfig c = config(HOST, "very-secret-token", "r1", "127.0.0.1", null);
        assertFalse(c.toString().contains("very-secret-token"), c.toString());
        assertTrue(c.toString().contains("joinToken=<secret>"), c.toString());
    }

    @Test
    void eachBadOptionIsNamed() {
        rejected("--host", () -> config(null, "t", "r1", "127.0.0.1", null));
        rejected("--host", () -> config(URI.create("ftp://h/"), "t", "r1", "127.0.0.1", null));
        rejected("--token", () -> config(HOST, " ", "r1", "127.0.0.1", null));
        rejected("--token", () -> config(HOST, "abc\n", "r1", "127.0.0.1", null));
        rejected("--name", () -> config(HOST, "t", "R1", "127.0.0.1", null));
        rejected("--name", () -> config(HOST, "t", "1r", "127.0.0.1", null));
        rejected("--name", () -> config(HOST, "t", "r".repeat(64), "127.0.0.1", null));
        rejected("--advertise", () -> config(HOST, "t", "r1", "0.0.0.300", null));
        rejected("--advertise", () -> config(HOST, "t", "r1", "bad host", null));
        rejected("--advertise", () -> config(HOST, "t", "r1", null, null));
        rejected("--docker-host", () -> config(HOST, "t", "r1", "127.0.0.1", "/var/run/docker.sock"));
        rejected("--docker-host", () -> config(HOST, "t", "r1", "127.0.0.1", "tcp://host"));
    }

    @Test
    void advertiseTakesIpLiteralsAndHostNames() {
        assertEquals("10.0.0.7", config(HOST, "t", "r1", "10.0.0.7", null).advertise());
        assertEquals("::1", config(HOST, "t", "r1", "[::1]", null).advertise());
        assertEquals("fd00::7", config(HOST, "t", "r1", "fd00::7", null).advertise());
        assertEquals("runner-1.example.org", config(HOST, "t", "r1", "runner-1.example.org", null).advertise());
        assertEquals("tcp://10.0.0.1:2375", config(HOST, "t", "r1", "10.0.0.1", "tcp://10.0.0.1:2375").dockerHost());
    }
}

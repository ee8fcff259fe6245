package dev.ferry.agent;

import dev.ferry.agent.docker.DockerRuntime;
import dev.ferry.agent.docker.ImageInfo;
import dev.ferry.agent.testing.FakeHost;
import dev.ferry.agent.testing.FakeRuntime;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.testing.Await;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import dev.ferry.protocol.Credentials;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner's loop with a hand-written Host and runtime: registration, heartbeats, recovery. */
class RunnerAgentTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private RunnerConfig config(String dockerHost) {
        return config(dockerHost, Duration.ofMillis(200));
    }

    private RunnerConfig config(String dockerHost, Duration heartbeat) {
        return new RunnerConfig(URI.create("http://127.0.0.1:1"), "secret", "r1", "127.0.0.1", dockerHost, heartbeat,
                dir.resolve("runner/r1.credential"), null, null);
    }

    @Test
    void registersOnceTheHostAnswersThenReconciles() {
        FakeHost host = new FakeHost();
        host.down = true;
        FakeRuntime docker = new FakeRuntime();
        docker.images.put("img:1", new ImageInfo(List.of(), List.of()));
        host.want("201", "img:1", DesiredState.RUNNING, List.of());
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, docker)) {
            Await.sleep(1500);
            assertFalse(runner.registered());
            host.down = false;
            Await.until("registered", WAIT, runner::registered);
            assertEquals("r1", host.registrations.get(0).name());
            assertEquals("127.0.0.1", host.registrations.get(0).address());
            assertEquals(8, host.registrations.get(0).cpus());
            assertTrue(host.registrations.get(0).docker().ok());
            Await.until("container created", WAIT, () -> docker.box("ferry-vps-201") != null);
            host.await("201", WAIT, "starting", r -> r.state() == ContainerState.STARTING && r.sshPort() != null);
        }
        assertEquals("running", docker.box("ferry-vps-201").status, "close() leaves containers running");
    }

    @Test
    void theHostsUserCaKeysReachTheStepAndTheirChangeRunsItAgain() {
        String ca1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKYpNUXh6XUJn0ifTzQit7l75EEoAHPjAfj/YcXu9CHN ferry-user-ca";
        String ca2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKs3j73g8Yv1F5heTq/NT2s+Rq47V3sWGPAiHeK9VfE9 ferry-user-ca";
        FakeHost host = new FakeHost();
        host.userCaKeys = List.of(ca1);
        FakeRuntime docker = new FakeRuntime();
        docker.images.put("img:1", new ImageInfo(List.of(), List.of()));
        host.want("202", "img:1", DesiredState.RUNNING, List.of());
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, docker)) {
            Await.until("the step ran", WAIT, () -> !docker.execs.isEmpty());
            assertEquals(ca1, docker.execs.get(0).get("FERRY_TRUSTED_USER_CA_KEYS"));
            host.userCaKeys = List.of(ca2);
            Await.until("the step ran again for the new CA", WAIT, () -> docker.execs.stream()
                    .anyMatch(env -> ca2.equals(env.get("FERRY_TRUSTED_USER_CA_KEYS"))));
            assertTrue(runner.registered());
        }
    }

    @Test
    void registersAgainWhenTheHostForgetsIt() {
        FakeHost host = new FakeHost();
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, new FakeRuntime())) {
            Await.until("registered", WAIT, () -> host.heartbeats.size() >= 1);
            host.forgetRunner = true;
            Await.until("registered again", WAIT, () -> host.registrations.size() == 2);
            Await.until("heartbeats go on", WAIT, () -> !host.forgetRunner && host.heartbeats.size() >= 3);
            assertTrue(runner.registered());
        }
    }

    @Test
    void stopsWhenAnotherProcessRegistersUnderItsName() throws Exception {
        FakeHost host = new FakeHost();
        host.heartbeatSeconds = 1;
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, new FakeRuntime())) {
            Await.until("heartbeats", WAIT, () -> host.heartbeats.size() >= 1);
            assertEquals(host.session, host.last().orElseThrow().session(), "heartbeats carry the registration");
            // another runner process registers as r1
            host.register(java.nio.file.Files.readString(dir.resolve("runner/r1.credential")).strip(),
                    host.registrations.get(0));
            String why = runner.superseded().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(why.contains("registered by another process"), why);
            int beats = host.heartbeats.size();
            Await.sleep(2500);
            assertEquals(beats, host.heartbeats.size(), "the superseded runner sends nothing more");
        }
    }

    @Test
    void theHostsShorterIntervalWins() {
        FakeHost host = new FakeHost();
        host.heartbeatSeconds = 1;
        RunnerConfig slow = config(null, Duration.ofSeconds(30));
        try (RunnerAgent runner = RunnerAgent.start(slow, host, new FakeRuntime())) {
            Await.until("three heartbeats at the Host's pace", Duration.ofSeconds(5),
                    () -> host.heartbeats.size() >= 3);
            assertTrue(runner.registered());
        }
    }

    @Test
    void dockerDownIsReportedNamingTheDockerHostAndRetried() {
        FakeHost host = new FakeHost();
        String socket = "unix:///tmp/ferry-no-such-docker.sock";
        try (RunnerAgent runner = RunnerAgent.start(config(socket), host, DockerRuntime.connect(socket))) {
            Await.until("two heartbeats", WAIT, () -> host.heartbeats.size() >= 2);
            assertFalse(host.registrations.get(0).docker().ok());
            HeartbeatRequest h = host.last().orElseThrow();
            assertFalse(h.docker().ok());
            assertTrue(h.docker().error().contains(socket) && h.docker().error().contains("not reachable"),
                    h.docker().error());
            assertTrue(h.containers().isEmpty());
            assertTrue(runner.registered(), "a runner without Docker still registers and heartbeats");
        }
    }

    @Test
    void dockerComingBackIsNoticed() {
        FakeHost host = new FakeHost();
        FakeRuntime docker = new FakeRuntime();
        docker.reachable = false;
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, docker)) {
            Await.until("a heartbeat without Docker", WAIT, () -> host.last().map(h -> !h.docker().ok()).orElse(false));
            docker.reachable = true;
            Await.until("a heartbeat with Docker", WAIT, () -> host.last().map(h -> h.docker().ok()).orElse(false));
            assertEquals("20.10.99-fake", host.last().orElseThrow().docker().version());
            assertTrue(runner.registered());
        }
    }

    @Test
    void enrollsOnceKeepsItsCredentialPrivateAndUsesItFromThenOn() throws Exception {
        FakeHost host = new FakeHost();
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, new FakeRuntime())) {
            Await.until("heartbeats", WAIT, () -> host.heartbeats.size() >= 1);
        }
        Path file = dir.resolve("runner/r1.credential");
        assertEquals(1, host.enrollments.size());
        assertEquals("r1", host.enrollments.get(0).name());
        String kept = java.nio.file.Files.readString(file).strip();
        assertTrue(kept.startsWith("ferry-runner."), "the runner made its own credential");
        assertEquals(Credentials.digest(kept), host.credentialDigest, "the Host learned only its digest");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(file)));
        RunnerConfig noToken = new RunnerConfig(URI.create("http://127.0.0.1:1"), null, "r1", "127.0.0.1", null,
                Duration.ofMillis(200), file, null, null);
        int beats = host.heartbeats.size();
        try (RunnerAgent runner = RunnerAgent.start(noToken, host, new FakeRuntime())) {
            Await.until("heartbeats", WAIT, () -> host.heartbeats.size() > beats);
        }
        assertEquals(1, host.enrollments.size(), "the stored credential is used, not a second enrollment");
    }

    @Test
    void aRemovedRunnerWithAJoinTokenEnrollsAgainWithANewCredential() throws Exception {
        FakeHost host = new FakeHost();
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, new FakeRuntime())) {
            Await.until("heartbeats", WAIT, () -> host.heartbeats.size() >= 1);
            String first = host.credentialDigest;
            host.forgetCredential(); // ferry node remove r1
            Await.until("a second enrollment", WAIT, () -> host.enrollments.size() == 2);
            int beats = host.heartbeats.size();
            Await.until("heartbeats again", WAIT, () -> host.heartbeats.size() > beats);
            assertFalse(first.equals(host.credentialDigest), "a removed credential is never used again");
            assertFalse(runner.refused().isDone());
        }
    }

    @Test
    void aReEnrollmentWhoseAnswerIsLostIsProvedByTheKeptCredential() throws Exception {
        FakeHost host = new FakeHost();
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, new FakeRuntime())) {
            Await.until("heartbeats", WAIT, () -> host.heartbeats.size() >= 1);
            host.loseNextEnrollAnswer = true;
            host.forgetCredential();
            Await.until("a second enrollment", WAIT, () -> host.enrollments.size() == 2);
            int beats = host.heartbeats.size();
            Await.until("heartbeats again", WAIT, () -> host.heartbeats.size() > beats);
            assertEquals(2, host.enrollments.size(), "the kept credential registered: no third enrollment");
            assertFalse(runner.refused().isDone());
        }
    }

    @Test
    void aRemovedRunnerWithoutAJoinTokenStopsNamingItsCredentialFile() throws Exception {
        FakeHost host = new FakeHost();
        try (RunnerAgent first = RunnerAgent.start(config(null), host, new FakeRuntime())) {
            Await.until("heartbeats", WAIT, () -> host.heartbeats.size() >= 1);
        }
        host.forgetCredential();
        Path file = dir.resolve("runner/r1.credential");
        RunnerConfig noToken = new RunnerConfig(URI.create("http://127.0.0.1:1"), null, "r1", "127.0.0.1", null,
                Duration.ofMillis(200), file, null, null);
        try (RunnerAgent runner = RunnerAgent.start(noToken, host, new FakeRuntime())) {
            String why = runner.refused().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(why.endsWith("does not know this credential (test); to enroll this runner again (its "
                    + "credential in " + file + " is no longer known), start it with --token-file holding a join "
                    + "token: the Host's runner.token, or one from: ferry node token"), why);
        }
    }

    @Test
    void anEnrollmentWhoseAnswerIsLostIsProvedByTheKeptCredential() throws Exception {
        FakeHost host = new FakeHost();
        host.loseNextEnrollAnswer = true;
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, new FakeRuntime())) {
            Await.until("heartbeats", WAIT, () -> host.heartbeats.size() >= 1);
            assertEquals(1, host.enrollments.size(), "the kept credential registered: no second enrollment");
        }
    }

    @Test
    void aCredentialFileOthersCanReadIsRefused() throws Exception {
        Path file = dir.resolve("runner/r1.credential");
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, "ferry-runner.fake-credential\n");
        java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(
                "rw-r--r--"));
        FakeHost host = new FakeHost();
        try (RunnerAgent runner = RunnerAgent.start(config(null), host, new FakeRuntime())) {
            String why = runner.refused().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("the runner credential " + file + " is readable by others (rw-r--r--): whoever reads it "
                    + "speaks for this runner; fix it with: chmod 600 " + file, why);
            assertEquals(0, host.registrations.size());
        }
    }
}

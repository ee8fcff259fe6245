package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.agent.docker.ExecResult;
import dev.ferry.agent.docker.ImageInfo;
import dev.ferry.agent.onstart.OnStartStep;
import dev.ferry.agent.testing.FakeRuntime;
import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.protocol.HeartbeatRequest;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reconcile logic against a hand-written runtime: what it creates, runs, reports and leaves alone. */
class ReconcilerTest {
    static final String KEY1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKYpNUXh6XUJn0ifTzQit7l75EEoAHPjAfj/YcXu9CHN probe";
    static final String KEY2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKs3j73g8Yv1F5heTq/NT2s+Rq47V3sWGPAiHeK9VfE9 second";
    static final String PLAIN = "ferry-test/plain:1";
    static final String REGISTRY = "0c6a0b1e-5a3f-4b7e-9d2a-3f1e2d4c5b6a";

    private final FakeRuntime docker = new FakeRuntime();
    private final MutableClock clock = new MutableClock();
    private final List<Reconciler> reconcilers = new ArrayList<>();
    private Reconciler reconciler;
    private ServerSocket sshd;

    @BeforeEach
    void setUp() {
        docker.images.put(PLAIN, new ImageInfo(List.of(), List.of()));
        docker.images.put("app:1", new ImageInfo(List.of("/entrypoint.sh"), List.of()));
        docker.images.put("shell:1", new ImageInfo(List.of(), List.of("bash")));
        reconciler = reconciler();
    }

    @AfterEach
    void tearDown() throws IOException {
        reconcilers.forEach(Reconciler::close);
        if (sshd != null) {
            sshd.close();
        }
    }

    private Reconciler reconciler() {
        // Actions run on the calling thread: each apply() is done when it returns.
        return reconciler(REGISTRY);
    }

    private Reconciler reconciler(String registryId) {
        Reconciler r = new Reconciler("r1", "127.0.0.1", null, ContainerPolicy.DEFAULTS, docker, Runnable::run, null, clock,
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        r.registry(registryId);
        reconcilers.add(r);
        return r;
    }

    private static DesiredVps vps(String id, String image, DesiredState state, String... keys) {
        return new DesiredVps(id, null, image, null, null, state, List.of(keys), null);
    }

    private ContainerReport report(String vpsId) {
        HeartbeatRequest h = reconciler.observe();
        return h.containers().stream().filter(c -> c.vpsId().equals(vpsId)).findFirst().orElse(null);
    }

    /** A VPS whose step ran and whose sshd (a fake one) has answered in this start: reported running. */
    private DesiredVps runningAndAnswered(String vpsId) throws IOException {
        DesiredVps d = vps(vpsId, PLAIN, DesiredState.RUNNING, KEY1);
        beat(d);
        docker.box("ferry-vps-" + vpsId).port = fakeSshd();
        assertEquals(ContainerState.RUNNING, report(vpsId).state());
        return d;
    }

    /** Observe, then apply: one heartbeat's worth of work. */
    private void beat(DesiredVps... desired) {
        reconciler.observe();
        reconciler.apply(List.of(desired));
    }

    @Test
    void createsPublishesOnAdvertisedAddressAndRunsTheStep() {
        DesiredVps d = new DesiredVps("101", "web", PLAIN, 1.5, 1L << 30, DesiredState.RUNNING, List.of(KEY1), null);
        beat(d);
        FakeRuntime.Box box = docker.box("ferry-vps-101");
        assertEquals(Map.of("ferry.vps.id", "101", "ferry.runner", "r1", "ferry.managed", "true",
                "ferry.registry", REGISTRY), box.spec.labels());
        assertEquals("127.0.0.1", box.spec.publishIp());
        assertEquals(1_500_000_000L, box.spec.nanoCpus());
        assertEquals(1L << 30, box.spec.memoryBytes());
        assertEquals("web", box.spec.hostname());
        assertEquals(Converger.KEEP_ALIVE, box.spec.cmd(), "an image without a command is kept alive by the runner");
        assertEquals("running", box.status);
        assertEquals(1, docker.execs.size());
        assertEquals(KEY1, docker.execs.get(0).get("FERRY_AUTHORIZED_KEYS"));
        assertEquals("101", docker.execs.get(0).get("FERRY_VPS_ID"));
        ContainerReport r = report("101");
        assertEquals(ContainerState.STARTING, r.state(), "no banner yet: not running");
        assertFalse(r.sshReady());
        assertEquals(box.port, r.sshPort());
    }

    @Test
    void removesUnlistedContainersOfItsOwnRegistryOnly() {
        beat(vps("130", PLAIN, DesiredState.RUNNING, KEY1), vps("131", PLAIN, DesiredState.RUNNING, KEY1));
        // The runner now serves a new, empty Host (another data directory): nothing of the old one is removed.
        reconciler = reconciler("9e1d7c55-0000-4000-8000-000000000000");
        beat();
        beat();
        assertEquals(2, docker.containers.size(), "another registry's containers are left alone");
        assertEquals("running", docker.box("ferry-vps-130").status);
        // A Host that does not say which registry it is removes nothing either.
        reconciler = reconciler(null);
        beat();
        assertEquals(2, docker.containers.size());
        // Back to the Host that made them: the VPS it no longer lists goes, the one it lists stays.
        reconciler = reconciler(REGISTRY);
        beat(vps("131", PLAIN, DesiredState.RUNNING, KEY1));
        assertNull(docker.box("ferry-vps-130"), "removed: its own Host no longer lists it");
        assertEquals("running", docker.box("ferry-vps-131").status);
    }

    @Test
    void containerRemovedBehindTheRunnersBackIsMissingThenCreatedAgain() {
        DesiredVps d = vps("114", PLAIN, DesiredState.RUNNING, KEY1);
        beat(d);
        docker.containers.clear();
        ContainerReport r = report("114");
        assertEquals(ContainerState.MISSING, r.state());
        assertNull(r.containerId());
        reconciler.apply(List.of(d));
        assertEquals("running", docker.box("ferry-vps-114").status);
        assertEquals(2, docker.execs.size());
    }

    @Test
    void reportsRunningOnlyOnceTheBannerAnswers() throws IOException {
        DesiredVps d = vps("102", PLAIN, DesiredState.RUNNING, KEY1);
        beat(d);
        assertEquals(ContainerState.STARTING, report("102").state());
        docker.box("ferry-vps-102").port = fakeSshd();
        ContainerReport r = report("102");
        assertEquals(ContainerState.RUNNING, r.state());
        assertTrue(r.sshReady());
        assertEquals(docker.box("ferry-vps-102").startedAt.toString(), r.startedAt());
    }

    @Test
    void aRunningVpsWhoseSshdMissesOneCheckStaysRunningUntilItsContainerStartsAgain() throws IOException {
        DesiredVps d = runningAndAnswered("123");
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // a busy sshd on a loaded machine: connections wait in its backlog, no banner within the check's time
            docker.box("ferry-vps-123").port = busy.getLocalPort();
            ContainerReport missed = report("123");
            assertEquals(ContainerState.RUNNING, missed.state(), "answered in this start: still running");
            assertFalse(missed.sshReady(), "the missed check is said");
        }
        docker.restart("ferry-vps-123");
        reconciler.apply(List.of(d));
        assertEquals(ContainerState.STARTING, report("123").state(), "a new start has to answer again");
    }

    @Test
    void anSshdSilentForSeveralChecksInARowIsStartedAgainByTheStep() throws IOException {
        DesiredVps d = runningAndAnswered("125");
        int steps = docker.execs.size();
        try (ServerSocket gone = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            docker.box("ferry-vps-125").port = gone.getLocalPort(); // its tenant killed it: nothing listens there
        }
        for (int i = 1; i < Reconciler.SILENT_CHECKS; i++) {
            assertEquals(ContainerState.RUNNING, report("125").state());
            reconciler.apply(List.of(d));
        }
        assertEquals(steps, docker.execs.size(), "a few missed checks are no reason to touch it");
        assertEquals(ContainerState.RUNNING, report("125").state(), "still running while it is started again");
        reconciler.apply(List.of(d));
        assertEquals(steps + 1, docker.execs.size(), "the step ran again, " + Reconciler.SILENT_CHECKS
                + " checks unanswered in a row");
        reconciler.apply(List.of(d));
        assertEquals(steps + 1, docker.execs.size(), "once, until it has missed as many again");
    }

    @Test
    void anSshdAnsweringBeforeTheStepOfThisStartIsNotReportedRunning() throws IOException {
        DesiredVps d = runningAndAnswered("122");
        docker.restart("ferry-vps-122"); // Docker restarted it: whatever answers now has not had Ferry's step
        assertEquals(ContainerState.STARTING, report("122").state());
        reconciler.apply(List.of(d));
        assertEquals(ContainerState.RUNNING, report("122").state(), "the step ran again for this start");
        docker.execAnswer = image -> new ExecResult(4, "sshd did not start");
        docker.restart("ferry-vps-122");
        beat(d);
        assertEquals(ContainerState.STARTING, report("122").state(), "the step failed: the banner is not Ferry's");
    }

    @Test
    void keepsTheImagesOwnCommandUnlessItIsABareShell() {
        beat(vps("103", "app:1", DesiredState.RUNNING), vps("104", "shell:1", DesiredState.RUNNING));
        assertNull(docker.box("ferry-vps-103").spec.cmd());
        assertEquals(Converger.KEEP_ALIVE, docker.box("ferry-vps-104").spec.cmd());
    }

    @Test
    void imageWithoutSshdFailsWithTheFixAndLeavesNothing() {
        docker.images.put("nosshd:1", new ImageInfo(List.of(), List.of()));
        docker.execAnswer = image -> new ExecResult(3, "error: no sshd");
        DesiredVps d = vps("105", "nosshd:1", DesiredState.RUNNING, KEY1);
        beat(d);
        assertTrue(docker.containers.isEmpty(), "the container is removed");
        ContainerReport r = report("105");
        assertEquals(ContainerState.FAILED, r.state());
        assertNull(r.containerId());
        assertTrue(r.error().contains("nosshd:1") && r.error().contains("openssh-server")
                && r.error().contains("apt-get install -y openssh-server"), r.error());
        beat(d);
        assertTrue(docker.containers.isEmpty(), "not created again while the Host still wants it running");
        // Stop, then start: how the Host asks for another try.
        beat(vps("105", "nosshd:1", DesiredState.STOPPED));
        assertEquals(ContainerState.STOPPED, report("105").state());
        docker.execAnswer = image -> new ExecResult(0, "ok");
        beat(d);
        assertEquals("running", docker.box("ferry-vps-105").status);
    }

    @Test
    void containerThatKeepsStoppingRightAfterItStartsFailsAndIsStopped() {
        docker.images.put("crash:1", new ImageInfo(List.of(), List.of("sh", "-c", "exit 3")));
        DesiredVps d = vps("120", "crash:1", DesiredState.RUNNING, KEY1);
        beat(d);
        assertNull(docker.box("ferry-vps-120").spec.cmd(), "the image's own command is kept");
        for (int i = 1; i < Converger.QUICK_EXITS; i++) {
            docker.exitAndRestarting("ferry-vps-120", 3, Duration.ofMillis(40));
            assertEquals(ContainerState.STARTING, report("120").state(), "exit " + i + " is not yet a failure");
            assertEquals(ContainerState.STARTING, report("120").state(), "the same exit seen twice counts once");
            docker.restart("ferry-vps-120");
        }
        docker.exitAndRestarting("ferry-vps-120", 3, Duration.ofMillis(40));
        ContainerReport r = report("120");
        assertEquals(ContainerState.FAILED, r.state());
        assertTrue(r.error().contains("crash:1") && r.error().contains("keeps stopping right after it starts")
                && r.error().contains("exited with code 3") && r.error().contains("ferry vps restart 120"),
                r.error());
        reconciler.apply(List.of(d));
        assertEquals("exited", docker.box("ferry-vps-120").status, "Docker no longer restarts it for ever");
        beat(d);
        assertEquals("exited", docker.box("ferry-vps-120").status, "not started again while the Host wants it");
        assertEquals(ContainerState.FAILED, report("120").state());
        // Stop, then start: another try, counted from nothing.
        beat(vps("120", "crash:1", DesiredState.STOPPED));
        beat(d);
        assertEquals("running", docker.box("ferry-vps-120").status);
        docker.exitAndRestarting("ferry-vps-120", 3, Duration.ofMillis(40));
        assertEquals(ContainerState.STARTING, report("120").state());
    }

    @Test
    void longRunsAndStopsAreNotExitsAtOnce() {
        DesiredVps d = vps("121", "app:1", DesiredState.RUNNING, KEY1);
        beat(d);
        for (int i = 0; i < Converger.QUICK_EXITS + 1; i++) {
            docker.exitAndRestarting("ferry-vps-121", 137, Converger.QUICK_EXIT.plusSeconds(1));
            assertEquals(ContainerState.STARTING, report("121").state(), "a VPS that ran a while is restarted");
            docker.restart("ferry-vps-121");
        }
        for (int i = 0; i < Converger.QUICK_EXITS + 1; i++) {
            beat(vps("121", "app:1", DesiredState.STOPPED));
            assertEquals("exited", docker.box("ferry-vps-121").status);
            beat(d);
        }
        assertEquals("running", docker.box("ferry-vps-121").status);
        assertEquals(ContainerState.STARTING, report("121").state());
    }

    @Test
    void missingImageFailsNamingItAndIsLookedForAgainLater() {
        DesiredVps d = vps("106", "nowhere/image:7", DesiredState.RUNNING);
        beat(d);
        assertTrue(docker.calls.contains("pull nowhere/image:7"));
        ContainerReport r = report("106");
        assertEquals(ContainerState.FAILED, r.state());
        assertTrue(r.error().contains("nowhere/image:7") && r.error().contains("docker load"), r.error());
        assertTrue(docker.containers.isEmpty());
        docker.images.put("nowhere/image:7", new ImageInfo(List.of(), List.of()));
        beat(d);
        assertTrue(docker.containers.isEmpty(), "too early to look again");
        clock.advance(Converger.PULL_RETRIES.get(0));
        assertEquals(ContainerState.FAILED, report("106").state(), "still failed until the new attempt works");
        reconciler.apply(List.of(d));
        assertEquals("running", docker.box("ferry-vps-106").status);
        assertEquals(ContainerState.STARTING, report("106").state());
    }

    @Test
    void aMissingImageIsPulledAgainWithBackOffThenLeftFailedUntilARestart() {
        DesiredVps d = vps("108", "nowhere/image:8", DesiredState.RUNNING);
        List<Long> pulledAt = new ArrayList<>();
        Instant start = clock.instant();
        for (int second = 0; second <= 3600; second += 5) {
            int before = pulls("nowhere/image:8");
            beat(d);
            if (pulls("nowhere/image:8") > before) {
                pulledAt.add(Duration.between(start, clock.instant()).toSeconds());
            }
            clock.advance(Duration.ofSeconds(5));
        }
        assertEquals(List.of(0L, 30L, 90L, 210L, 450L), pulledAt, "30 s, 1, 2 and 4 min apart, then no more");
        ContainerReport r = report("108");
        assertEquals(ContainerState.FAILED, r.state());
        assertTrue(r.error().contains("could not be pulled") && r.error().contains("tried 5 times")
                && r.error().contains("ferry vps restart 108"), r.error());

        beat(vps("108", "nowhere/image:8", DesiredState.STOPPED)); // a restart: the stop half, then the start
        beat(d);
        assertEquals(6, pulls("nowhere/image:8"), "a restart looks for the image again");
        assertTrue(report("108").error().contains("looked for again in 30 s (try 1 of 5)"), report("108").error());
    }

    private int pulls(String image) {
        return (int) docker.calls.stream().filter(c -> c.equals("pull " + image)).count();
    }

    @Test
    void stepRunsAgainOnRestartAndOnKeyChangeOnly() {
        DesiredVps d = vps("107", PLAIN, DesiredState.RUNNING, KEY1);
        beat(d);
        beat(d);
        assertEquals(1, docker.execs.size(), "nothing changed: no second run");
        docker.restart("ferry-vps-107");
        beat(d);
        assertEquals(2, docker.execs.size(), "Docker restarted it: the step runs again");
        DesiredVps rekeyed = vps("107", PLAIN, DesiredState.RUNNING, KEY1, KEY2);
        beat(rekeyed);
        assertEquals(3, docker.execs.size());
        assertEquals(KEY1 + "\n" + KEY2, docker.execs.get(2).get("FERRY_AUTHORIZED_KEYS"));
    }

    @Test
    void theUserCaKeysReachTheContainerAndAChangeRunsTheStepAgain() {
        String ca = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKs3j73g8Yv1F5heTq/NT2s+Rq47V3sWGPAiHeK9VfE9 ferry-user-ca";
        reconciler.userCaKeys(List.of(ca));
        DesiredVps d = vps("120", PLAIN, DesiredState.RUNNING, KEY1);
        beat(d);
        assertEquals(1, docker.execs.size());
        assertEquals(ca, docker.execs.get(0).get("FERRY_TRUSTED_USER_CA_KEYS"));
        reconciler.userCaKeys(List.of(ca));
        beat(d);
        assertEquals(1, docker.execs.size(), "the same CA: no second run");
        String rotated = KEY1.replace(" probe", " ferry-user-ca-2");
        reconciler.userCaKeys(List.of(ca, rotated));
        beat(d);
        assertEquals(2, docker.execs.size(), "a new CA key must reach the running sshd");
        assertEquals(ca + "\n" + rotated, docker.execs.get(1).get("FERRY_TRUSTED_USER_CA_KEYS"));
    }

    private static DesiredVps certified(DesiredVps d, String cert) {
        return new DesiredVps(d.vpsId(), d.name(), d.image(), d.cpus(), d.memoryBytes(), d.state(), d.authorizedKeys(),
                cert);
    }

    private static String cert(KeyPair ca, PublicKey hostKey, String... principals) {
        return PublicKeyEntry.toString(HostCertificates.issue(ca, hostKey, List.of(principals), "t", Instant.EPOCH));
    }

    /**
     * Answers the step as the script does for a container whose sshd has this host key: it reports the key, keeps
     * a certificate passed for that key (and one installed before while none is passed), and reports what it serves.
     */
    private void stepServes(KeyPair hostKey) {
        String line = SshPublicKey.of(hostKey.getPublic(), "root@web").toOpenSsh();
        String[] installed = {null};
        docker.execAnswerFromEnv = env -> {
            String passed = env.getOrDefault("FERRY_HOST_CERTIFICATE", "");
            if (!passed.isEmpty() && HostCertificates.certifies(passed, line)) {
                installed[0] = passed;
            }
            return new ExecResult(0, OnStartStep.HOST_KEY_MARKER + line + "\n" + (installed[0] == null ? ""
                    : OnStartStep.HOST_CERTIFICATE_MARKER + installed[0] + "\n"));
        };
    }

    @Test
    void theHostCertificateReachesTheContainerForTheKeyItCertifiesOnly() {
        KeyPair ca = KeyPairs.generate();
        KeyPair hostKey = KeyPairs.generate();
        stepServes(hostKey);
        DesiredVps d = vps("130", PLAIN, DesiredState.RUNNING, KEY1);
        beat(d);
        assertEquals("", docker.execs.get(0).get("FERRY_HOST_CERTIFICATE"), "no certificate yet");
        assertNull(report("130").hostCertificate());
        // the Host certified the key of a container that is gone: not installed, sshd would serve a stranger's
        beat(certified(d, cert(ca, KeyPairs.generate().getPublic(), "vps-130")));
        assertEquals(2, docker.execs.size());
        assertEquals("", docker.execs.get(1).get("FERRY_HOST_CERTIFICATE"));
        assertNull(report("130").hostCertificate(), "a certificate not installed is not reported");
        String ours = cert(ca, hostKey.getPublic(), "vps-130");
        beat(certified(d, ours));
        assertEquals(3, docker.execs.size(), "a new certificate runs the step again");
        assertEquals(ours, docker.execs.get(2).get("FERRY_HOST_CERTIFICATE"));
        assertEquals(HostCertificates.fingerprint(ours), report("130").hostCertificate(), "installed, and said so");
        beat(certified(d, ours));
        assertEquals(3, docker.execs.size(), "the same certificate at every heartbeat: no second run");
        String renamed = cert(ca, hostKey.getPublic(), "vps-130", "vps-web");
        beat(certified(d, renamed));
        assertEquals(renamed, docker.execs.get(3).get("FERRY_HOST_CERTIFICATE"), "a renamed VPS's new certificate");
        assertEquals(HostCertificates.fingerprint(renamed), report("130").hostCertificate());
    }

    @Test
    void aRunnerThatRestartsKeepsTheCertificateItsContainersServe() {
        KeyPair ca = KeyPairs.generate();
        KeyPair hostKey = KeyPairs.generate();
        stepServes(hostKey);
        DesiredVps d = vps("131", PLAIN, DesiredState.RUNNING, KEY1);
        beat(d);
        String ours = cert(ca, hostKey.getPublic(), "vps-131");
        beat(certified(d, ours));
        assertEquals(HostCertificates.fingerprint(ours), report("131").hostCertificate());

        // a new runner process: it knows nothing of the steps before, and its first step in the container it adopts
        // passes the Host's certificate (the step keeps it only if it is for the container's key)
        reconciler = reconciler();
        beat(certified(d, ours));
        assertEquals(ours, docker.execs.get(docker.execs.size() - 1).get("FERRY_HOST_CERTIFICATE"),
                "the first step after the restart");
        assertEquals(HostCertificates.fingerprint(ours), report("131").hostCertificate(), "still served");
        int steps = docker.execs.size();
        beat(certified(d, ours));
        assertEquals(steps, docker.execs.size(), "nothing changed: no step again");
    }

    @Test
    void reportsTheHostKeyTheStepReadWithoutItsComment() {
        String hostKey = KEY2.replace(" second", "");
        docker.execAnswer = image -> new ExecResult(0, "2026 [vps 121] sshd started\n"
                + OnStartStep.HOST_KEY_MARKER + KEY2 + "\n2026 [vps 121] start-up step done\n");
        beat(vps("121", PLAIN, DesiredState.RUNNING, KEY1));
        assertEquals(hostKey, report("121").hostKey());
        docker.restart("ferry-vps-121");
        docker.execAnswer = image -> new ExecResult(0, "done\n");
        assertEquals(hostKey, report("121").hostKey(), "the container keeps its host keys across restarts");
    }

    @Test
    void aHostKeyThatIsNotOneIsDropped() {
        docker.execAnswer = image -> new ExecResult(0, OnStartStep.HOST_KEY_MARKER + KEY2 + " " + "c".repeat(5000)
                + "\n");
        beat(vps("122", PLAIN, DesiredState.RUNNING, KEY1));
        assertNull(report("122").hostKey(), "a valid key on an oversized line");
        docker.execAnswer = image -> new ExecResult(0, OnStartStep.HOST_KEY_MARKER + "ssh-ed25519 bm90IGEga2V5\n");
        beat(vps("123", PLAIN, DesiredState.RUNNING, KEY1));
        assertNull(report("123").hostKey(), "not a key");
        docker.execAnswer = image -> new ExecResult(0, "no marker at all\n");
        beat(vps("124", PLAIN, DesiredState.RUNNING, KEY1));
        assertNull(report("124").hostKey());
        assertEquals(ContainerState.STARTING, report("124").state(), "a VPS without a known host key still runs");
    }

    @Test
    void onlyWellFormedKeysReachTheContainer() {
        beat(vps("108", PLAIN, DesiredState.RUNNING, "command=\"/bin/evil\" " + KEY1, "not a key", KEY2));
        assertEquals(KEY1 + "\n" + KEY2, docker.execs.get(0).get("FERRY_AUTHORIZED_KEYS"));
    }

    @Test
    void pauseResumeStopStartRemove() {
        beat(vps("109", PLAIN, DesiredState.RUNNING, KEY1));
        FakeRuntime.Box box = docker.box("ferry-vps-109");
        beat(vps("109", PLAIN, DesiredState.PAUSED, KEY1));
        assertEquals("paused", box.status);
        assertEquals(ContainerState.PAUSED, report("109").state());
        beat(vps("109", PLAIN, DesiredState.RUNNING, KEY1));
        assertEquals("running", box.status);
        assertEquals(1, docker.execs.size(), "a resumed container needs no new start-up step");
        beat(vps("109", PLAIN, DesiredState.STOPPED, KEY1));
        assertEquals("exited", box.status);
        assertEquals(ContainerState.STOPPED, report("109").state());
        beat(vps("109", PLAIN, DesiredState.RUNNING, KEY1));
        assertEquals("running", box.status);
        assertEquals(2, docker.execs.size(), "started again: the step runs again");
        beat();
        assertTrue(docker.containers.isEmpty(), "a VPS the Host no longer lists is removed");
    }

    @Test
    void stopsAPausedContainer() {
        beat(vps("110", PLAIN, DesiredState.PAUSED, KEY1));
        beat(vps("110", PLAIN, DesiredState.PAUSED, KEY1));
        assertEquals("paused", docker.box("ferry-vps-110").status);
        beat(vps("110", PLAIN, DesiredState.STOPPED, KEY1));
        assertEquals("exited", docker.box("ferry-vps-110").status);
    }

    @Test
    void leavesOtherRunnersContainersAlone() {
        Reconciler other = new Reconciler("r2", "127.0.0.1", null, ContainerPolicy.DEFAULTS, docker, Runnable::run, null);
        reconcilers.add(other);
        other.apply(List.of(vps("111", PLAIN, DesiredState.RUNNING)));
        beat();
        assertEquals("running", docker.box("ferry-vps-111").status);
        assertTrue(reconciler.observe().containers().isEmpty());
    }

    @Test
    void adoptsContainersOfAnEarlierAgentWithTheirPorts() {
        DesiredVps d = vps("112", PLAIN, DesiredState.RUNNING, KEY1);
        beat(d);
        FakeRuntime.Box box = docker.box("ferry-vps-112");
        int port = box.port;
        Reconciler second = reconciler();
        second.observe();
        second.apply(List.of(d));
        assertEquals(1, docker.containers.size());
        assertEquals(port, docker.box("ferry-vps-112").port);
        assertFalse(docker.calls.stream().filter(c -> c.startsWith("create")).count() > 1);
        assertEquals(2, docker.execs.size(), "the new agent cannot know the step ran: it runs it again");
    }

    @Test
    void failingStepIsTriedThreeTimesThenTheVpsFails() {
        docker.execAnswer = image -> new ExecResult(4, "2026 [vps 113] error: sshd did not start (exit 255): boom");
        DesiredVps d = vps("113", PLAIN, DesiredState.RUNNING, KEY1);
        beat(d);
        assertEquals(ContainerState.STARTING, report("113").state());
        beat(d);
        beat(d);
        assertEquals(3, docker.execs.size());
        ContainerReport r = report("113");
        assertEquals(ContainerState.FAILED, r.state());
        assertTrue(r.error().contains("sshd did not start (exit 255): boom"), r.error());
        assertEquals("exited", docker.box("ferry-vps-113").status);
        beat(d);
        assertEquals(3, docker.execs.size());
    }

    @Test
    void dockerDownIsReportedWithItsAddress() {
        docker.reachable = false;
        HeartbeatRequest h = reconciler.observe();
        assertFalse(h.docker().ok());
        assertTrue(h.docker().error().contains("unix:///fake.sock"), h.docker().error());
        assertTrue(h.containers().isEmpty());
    }

    /** A listener that greets like sshd, enough for the banner check. */
    private int fakeSshd() throws IOException {
        sshd = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!sshd.isClosed()) {
                try (Socket s = sshd.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("SSH-2.0-Fake\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return sshd.getLocalPort();
    }

    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

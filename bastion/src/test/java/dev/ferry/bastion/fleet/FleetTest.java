package dev.ferry.bastion.fleet;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.registry.JdbcRegistry;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterRequest;
import dev.ferry.testing.Opened;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Host's side of the runner protocol, with the H2 registry and a clock the test moves. */
class FleetTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    private static final DockerStatus DOCKER_OK = new DockerStatus(true, null, "20.10");

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock();
    private JdbcRegistry registry;
    private Fleet fleet;
    private final SshPublicKey alice = TestKeys.ed25519("alice");
    private static final String JOIN = "join-token-for-fleet-tests";
    private RunnerTrust trust;

    /** Enrolls a runner from this machine, publishing on Docker's usual ports. */
    private String enroll(String name, String address) {
        String credential = Credentials.create();
        trust.enroll(JOIN, request(name, address, credential), InetAddress.getLoopbackAddress());
        return credential;
    }

    private static EnrollRequest request(String name, String address, String credential) {
        return new EnrollRequest(name, address, 32768, 60999, Credentials.digest(credential));
    }

    @BeforeEach
    void open() {
        registry = opened.add(TestRegistries.open(dir, new Snowflake(1), clock));
        fleet = new Fleet(registry, registry.runners(), clock);
        trust = new RunnerTrust(registry.runners(), JOIN, clock);
        enroll("r1", "127.0.0.1");
        enroll("r2", "127.0.0.2");
        fleet.register("r1", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK));
    }

    private Vps create(String name) {
        return fleet.create(new Fleet.CreateRequest(name, "ferry-test/sshd:1", List.of(alice), null, 1.0, 1L << 30));
    }

    private HeartbeatAnswer report(Vps v, String state, Integer port, boolean ready, String error) {
        return fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(new ContainerReport(
                Long.toString(v.id()), "c1", ContainerState.of(state), port, ready, error, null, null))));
    }

    private Vps now(Vps v) {
        return registry.get(VpsRef.ofId(v.id()));
    }

    private static String told(HeartbeatAnswer a) {
        return a.vps().get(0).state().word();
    }

    @Test
    void registrationsNameTheRegistryWhichKeepsItsIdentityAcrossReopenButNotAcrossHosts() {
        String id = fleet.register("r1", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK)).registryId();
        assertTrue(id.matches("[0-9a-f-]{36}"), id);
        registry.close();
        registry = TestRegistries.open(dir, new Snowflake(1), clock);
        assertEquals(id, registry.runners().registryId(), "the same registry after a Host restart");
        JdbcRegistry other = TestRegistries.open(dir.resolve("other"), new Snowflake(1), clock);
        try {
            assertNotEquals(id, other.runners().registryId(), "a new registry is another Host to the runners");
        } finally {
            other.close();
        }
    }

    @Test
    void aCreatedVpsRunsOnceItsSshAnswers() {
        Vps v = create("web");
        assertEquals(VpsStatus.ASSIGNING, v.status());
        assertEquals("r1", v.placement().runner());
        HeartbeatAnswer answer = fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of()));
        assertEquals("running", told(answer));
        assertEquals(List.of(alice.toOpenSsh()), answer.vps().get(0).authorizedKeys());
        assertEquals(VpsStatus.ASSIGNING, now(v).status());

        report(v, "running", 32768, false, null);
        assertEquals(VpsStatus.ASSIGNING, now(v).status(), "not running before its sshd answers");
        report(v, "running", 32768, true, null);
        assertEquals(VpsStatus.RUNNING, now(v).status());
        assertEquals(new Endpoint("127.0.0.1", 32768), now(v).endpoint());
    }

    @Test
    void aRunningVpsWhoseSshdMissedOneCheckStaysRunningWithANote() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        report(v, "running", 32768, false, null);
        assertEquals(VpsStatus.RUNNING, now(v).status(), "its users are not refused as if it were being created");
        assertTrue(now(v).lastError().contains("did not answer on 127.0.0.1:32768"), now(v).lastError());
        report(v, "running", 32768, true, null);
        assertEquals(VpsStatus.RUNNING, now(v).status());
        assertNull(now(v).lastError(), "the note goes once it answers");
    }

    @Test
    void pauseResumeAndStopFollowTheReports() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        fleet.act(VpsRef.ofId(v.id()), VpsAction.PAUSE);
        assertEquals("paused", told(report(v, "running", 32768, true, null)));
        report(v, "paused", 32768, false, null);
        assertEquals(VpsStatus.PAUSED, now(v).status());
        fleet.act(VpsRef.ofId(v.id()), VpsAction.RESUME);
        assertEquals("running", told(report(v, "running", 32768, true, null)));
        assertEquals(VpsStatus.RUNNING, now(v).status());
        fleet.act(VpsRef.ofId(v.id()), VpsAction.STOP);
        report(v, "stopped", null, false, null);
        assertEquals(VpsStatus.STOPPED, now(v).status());
        assertNull(now(v).endpoint());
    }

    @Test
    void refusesInvalidTransitionsNamingTheStatus() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        FerryException resume = assertThrows(FerryException.class, () -> fleet.act(VpsRef.ofId(v.id()), VpsAction.RESUME));
        assertEquals(FerryException.Kind.CONFLICT, resume.kind());
        assertTrue(resume.getMessage().contains("is running; only a paused VPS can be resumed"), resume.getMessage());
        fleet.act(VpsRef.ofId(v.id()), VpsAction.STOP);
        report(v, "stopped", null, false, null);
        FerryException stop = assertThrows(FerryException.class, () -> fleet.act(VpsRef.ofId(v.id()), VpsAction.STOP));
        assertTrue(stop.getMessage().contains("is stopped"), stop.getMessage());
    }

    @Test
    void actionsBetweenTwoHeartbeatsSeeWhatWasAlreadyAsked() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        VpsRef ref = VpsRef.ofId(v.id());
        fleet.act(ref, VpsAction.PAUSE);
        FerryException again = assertThrows(FerryException.class, () -> fleet.act(ref, VpsAction.PAUSE));
        assertTrue(again.getMessage().contains("is running and already asked to be paused; only a running VPS can "
                + "be paused"), again.getMessage());
        fleet.act(ref, VpsAction.RESUME); // undone before any runner saw it
        assertEquals("running", told(report(v, "running", 32768, true, null)));
        fleet.act(ref, VpsAction.STOP);
        FerryException stop = assertThrows(FerryException.class, () -> fleet.act(ref, VpsAction.STOP));
        assertTrue(stop.getMessage().contains("and already asked to be stopped"), stop.getMessage());
        fleet.act(ref, VpsAction.RESTART);
        assertEquals("stopped", told(report(v, "running", 32768, true, null)), "the restart stops it first");
    }

    @Test
    void aHeartbeatFinishingARestartKeepsAStopAskedMeanwhile() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        VpsRef ref = VpsRef.ofId(v.id());
        fleet.act(ref, VpsAction.RESTART);
        Placement readByHeartbeat = now(v).placement();
        fleet.act(ref, VpsAction.STOP);
        // what the heartbeat would write back with what it read: refused, the stop stands
        assertTrue(registry.replacePlacement(v.id(), readByHeartbeat, readByHeartbeat.wanting(
                readByHeartbeat.desired(), false)).isEmpty());
        assertEquals("stopped", told(report(v, "stopped", null, false, null)));
        assertEquals(VpsStatus.STOPPED, now(v).status());
    }

    @Test
    void concurrentCreatesNeverOvercommitARunner() throws Exception {
        // r1 has 2 CPUs: ten creates of 1 CPU each at once, exactly two fit
        var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < 10; i++) {
                String name = "c" + i;
                results.add(pool.submit(() -> {
                    go.await();
                    try {
                        create(name);
                        return true;
                    } catch (FerryException full) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int created = 0;
            for (var r : results) {
                created += r.get() ? 1 : 0;
            }
            assertEquals(2, created);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSecondProcessRegisteringTheSameNameSupersedesTheFirst() {
        String first = fleet.register("r1", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK)).session();
        fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(), first));
        String second = fleet.register("r1", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK)).session();
        assertNotEquals(first, second);
        FerryException e = assertThrows(FerryException.class,
                () -> fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(), first)));
        assertEquals(FerryException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("has been registered by another process since this one registered"),
                e.getMessage());
        fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(), second));
    }

    @Test
    void restartStopsThenRunsAgain() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        fleet.act(VpsRef.ofId(v.id()), VpsAction.RESTART);
        assertEquals("stopped", told(report(v, "running", 32768, true, null)), "first the stop");
        assertEquals("running", told(report(v, "stopped", null, false, null)), "then the start");
        report(v, "running", 32769, true, null);
        assertEquals(VpsStatus.RUNNING, now(v).status());
        assertEquals(32769, now(v).endpoint().port());
    }

    @Test
    void aSilentRunnerLosesItsVpsUntilItComesBack() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        clock.advance(Duration.ofSeconds(31));
        fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        assertEquals(VpsStatus.LOST, now(v).status());
        assertTrue(now(v).lastError().contains("runner r1 went silent"), now(v).lastError());
        assertEquals(false, registry.runners().find("r1").orElseThrow().online());
        report(v, "running", 32768, true, null);
        assertEquals(VpsStatus.RUNNING, now(v).status());
        assertTrue(registry.runners().find("r1").orElseThrow().online());
    }

    @Test
    void heartbeatsThatChangeNothingButTheirTimeAreNotWrittenToTheFile() throws Exception {
        assumeFalse(TestRegistries.postgres(), "the H2 file; on PostgreSQL the time is written every 10 s (heartbeatTimesReachTheOtherHosts)");
        Path file = dir.resolve("registry.mv.db");
        fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of()));
        long before = java.nio.file.Files.size(file);
        for (int i = 0; i < 200; i++) {
            clock.advance(Duration.ofSeconds(5));
            fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of()));
        }
        // every commit appends a chunk of several KiB: 200 written heartbeats would add megabytes
        assertTrue(java.nio.file.Files.size(file) - before < 64 * 1024,
                "grew by " + (java.nio.file.Files.size(file) - before) + " bytes");
        assertEquals(clock.instant(), registry.runners().find("r1").orElseThrow().lastHeartbeat(),
                "the latest heartbeat is still what the Host reports");
    }

    @Test
    void afterAHostRestartRunnersGetTheFullSilenceLimitToCheckIn() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        clock.advance(Duration.ofSeconds(20));
        fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        registry.close();
        clock.advance(Duration.ofMinutes(5)); // the Host was down
        registry = TestRegistries.open(dir, new Snowflake(1), clock);
        fleet = new Fleet(registry, registry.runners(), clock);
        fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        assertTrue(registry.runners().find("r1").orElseThrow().online(), "not offline for the Host's own downtime");
        assertEquals(VpsStatus.RUNNING, now(v).status());
        clock.advance(Duration.ofSeconds(31));
        fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        assertEquals(VpsStatus.LOST, now(v).status());
        registry.close();
        registry = TestRegistries.open(dir, new Snowflake(1), clock);
        assertEquals(false, registry.runners().find("r1").orElseThrow().online(), "offline is written down");
    }

    @Test
    void aRunnerWithoutDockerChangesNothingItCannotSee() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        fleet.heartbeat("r1", "r1", new HeartbeatRequest(new DockerStatus(false,
                "cannot reach Docker at unix:///var/run/docker.sock", null), List.of()));
        assertEquals(VpsStatus.RUNNING, now(v).status());
        assertEquals(false, registry.runners().find("r1").orElseThrow().dockerOk());
    }

    @Test
    void aFailureCarriesTheRunnersSentence() {
        Vps v = create("web");
        report(v, "failed", null, false, "image ferry-test/no-sshd:1 has no sshd");
        assertEquals(VpsStatus.FAILED, now(v).status());
        assertEquals("image ferry-test/no-sshd:1 has no sshd", now(v).lastError());
    }

    @Test
    void placesOnlyOnOnlineRunnersWithRoom() {
        FerryException full = assertThrows(FerryException.class, () -> fleet.create(
                new Fleet.CreateRequest("big", "img:1", List.of(alice), null, 3.0, null)));
        assertTrue(full.getMessage().contains("no online runner has room for 3.0 CPUs"), full.getMessage());
        FerryException unknown = assertThrows(FerryException.class, () -> fleet.create(
                new Fleet.CreateRequest("x", "img:1", List.of(alice), "r9", null, null)));
        assertEquals(FerryException.Kind.NOT_FOUND, unknown.kind());
        clock.advance(Duration.ofSeconds(31));
        fleet.checkSilence(HostSettings.RUNNER_SILENCE.fallback());
        FerryException offline = assertThrows(FerryException.class, () -> fleet.create(
                new Fleet.CreateRequest("x", "img:1", List.of(alice), "r1", null, null)));
        assertTrue(offline.getMessage().contains("runner r1 is offline, last heartbeat"), offline.getMessage());
        FerryException none = assertThrows(FerryException.class, () -> create("y"));
        assertEquals(FerryException.Kind.UNAVAILABLE, none.kind());
    }

    private HeartbeatAnswer reportHostKey(String runner, Vps v, String hostKey) {
        return fleet.heartbeat(runner, runner, new HeartbeatRequest(DOCKER_OK, List.of(new ContainerReport(
                Long.toString(v.id()), "c1", ContainerState.RUNNING, 32768, true, null, null, hostKey))));
    }

    @Test
    void registrationsAndHeartbeatsCarryTheUserCaKeys() {
        String ca = TestKeys.ed25519("ferry-user-ca").toOpenSsh();
        fleet = new Fleet(registry, registry.runners(), clock, List.of(ca));
        assertEquals(List.of(ca), fleet.register("r1", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK))
                .userCaKeys());
        create("web");
        assertEquals(List.of(ca), fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of())).userCaKeys());
    }

    @Test
    void theAnswerCarriesTheCertificateOfTheHostKeyTheRunnerReported() {
        KeyPair hostCa = KeyPairs.generate();
        fleet = new Fleet(registry, registry.runners(), clock, List.of(), new VpsCertificates(hostCa));
        Vps v = create("web");
        assertNull(fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of())).vps().get(0)
                .hostCertificate(), "no key reported yet: nothing to certify");
        SshPublicKey hostKey = TestKeys.ed25519("root@web");
        String cert = reportHostKey("r1", v, hostKey.toOpenSsh()).vps().get(0).hostCertificate();
        assertEquals(new VpsCertificates(hostCa).certificate(now(v)), cert, "in the answer to the report itself");
        assertTrue(HostCertificates.certifies(cert, hostKey.toOpenSsh()), cert);
        assertEquals(cert, reportHostKey("r1", v, hostKey.toOpenSsh()).vps().get(0).hostCertificate());
        SshPublicKey remade = TestKeys.ed25519("root@web");
        assertTrue(HostCertificates.certifies(reportHostKey("r1", v, remade.toOpenSsh()).vps().get(0)
                .hostCertificate(), remade.toOpenSsh()), "a container made again gets its new key certified");
    }

    private void reportCertificate(Vps v, String hostKey, String certificate) {
        fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(new ContainerReport(Long.toString(v.id()),
                "c1", ContainerState.RUNNING, 32768, true, null, null, hostKey,
                certificate == null ? null : HostCertificates.fingerprint(certificate)))));
    }

    @Test
    void aVpsIsCertifiedWhileItsRunnerServesTheCertificateTheHostIssuesNow() {
        KeyPair hostCa = KeyPairs.generate();
        fleet = new Fleet(registry, registry.runners(), clock, List.of(), new VpsCertificates(hostCa));
        Vps v = create("web");
        String key = TestKeys.ed25519("root@web").toOpenSsh();
        String cert = reportHostKey("r1", v, key).vps().get(0).hostCertificate();
        assertFalse(now(v).hostCertified(), "issued, not installed yet");
        reportCertificate(v, key, cert);
        assertTrue(now(v).hostCertified());
        reportCertificate(v, key, new VpsCertificates(KeyPairs.generate()).certificate(now(v)));
        assertFalse(now(v).hostCertified(), "a certificate from another CA is not the Host's");
        reportCertificate(v, key, cert);
        assertTrue(now(v).hostCertified());
        reportCertificate(v, TestKeys.ed25519("root@web").toOpenSsh(), cert);
        assertFalse(now(v).hostCertified(), "a container made again has a new key, which the old one does not certify");
        reportCertificate(v, key, null);
        assertFalse(now(v).hostCertified());
    }

    @Test
    void keepsTheHostKeyItsRunnerReportsWithoutTheComment() {
        Vps v = create("web");
        SshPublicKey hostKey = TestKeys.ed25519("root@web");
        String line = hostKey.type() + " " + hostKey.base64();
        reportHostKey("r1", v, hostKey.toOpenSsh());
        assertEquals(line, now(v).hostKey());
        reportHostKey("r1", v, null);
        assertEquals(line, now(v).hostKey(), "a report without a key (an agent just restarted) forgets nothing");
        SshPublicKey remade = TestKeys.ed25519("root@web");
        reportHostKey("r1", v, remade.toOpenSsh());
        assertEquals(remade.type() + " " + remade.base64(), now(v).hostKey(), "a container made again has new keys");
    }

    @Test
    void aHostKeyThatIsNotOneIsNotStoredAndTheHeartbeatGoesOn() {
        Vps v = create("web");
        HeartbeatAnswer a = reportHostKey("r1", v, "ssh-ed25519 bm90IGEga2V5 \u202e evil");
        assertNull(now(v).hostKey());
        assertEquals(VpsStatus.RUNNING, now(v).status(), "the rest of the report counts");
        assertEquals(1, a.vps().size());
        reportHostKey("r1", v, TestKeys.ed25519("x").toOpenSsh() + " " + "c".repeat(5000));
        assertNull(now(v).hostKey(), "oversized");
    }

    @Test
    void aRunnerCannotSetTheHostKeyOfAnotherRunnersVps() {
        Vps v = create("web");
        fleet.register("r2", new RegisterRequest("r2", "127.0.0.2", 2, 8L << 30, DOCKER_OK));
        reportHostKey("r2", v, TestKeys.ed25519("intruder").toOpenSsh());
        assertNull(now(v).hostKey());
        assertEquals(VpsStatus.ASSIGNING, now(v).status(), "nor anything else of it");
    }

    @Test
    void aHeartbeatFromARunnerThatNeverRegisteredIsNotFound() {
        FerryException e = assertThrows(FerryException.class, () -> fleet.heartbeat("r2", "r2",
                new HeartbeatRequest(DOCKER_OK, List.of())));
        assertEquals(FerryException.Kind.NOT_FOUND, e.kind());
    }

    @Test
    void aCredentialSpeaksForItsOwnRunnerOnly() {
        Vps v = create("web");
        report(v, "running", 32768, true, null);
        FerryException hb = assertThrows(FerryException.class, () -> fleet.heartbeat("r2", "r1",
                new HeartbeatRequest(DOCKER_OK, List.of())));
        assertEquals(FerryException.Kind.FORBIDDEN, hb.kind());
        assertEquals("this credential belongs to runner r2, not to r1: a runner speaks for itself only", hb.getMessage());
        FerryException reg = assertThrows(FerryException.class, () -> fleet.register("r2",
                new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK)));
        assertEquals(FerryException.Kind.FORBIDDEN, reg.kind());
        assertEquals(VpsStatus.RUNNING, now(v).status());
        assertTrue(registry.runners().find("r1").orElseThrow().online(), "r1 keeps its registration");
    }

    @Test
    void anEnrolledNameCannotBeTakenOverUntilAnAdminRemovesIt() {
        FerryException e = assertThrows(FerryException.class, () -> enroll("r1", "127.0.0.9"));
        assertEquals(FerryException.Kind.CONFLICT, e.kind());
        assertEquals("runner 'r1' is enrolled already, with another credential; to replace its machine, an admin "
                + "removes it first: ferry node remove r1, then the new machine enrolls", e.getMessage());
        assertEquals("127.0.0.1", registry.runners().find("r1").orElseThrow().address(), "nothing of it changed");
        assertTrue(registry.runners().remove("r1"));
        String credential = enroll("r1", "127.0.0.9");
        assertEquals("r1", trust.runnerOf(credential).orElseThrow());
    }

    @Test
    void theAdvertisedAddressIsFixedAtEnrollment() {
        FerryException e = assertThrows(FerryException.class, () -> fleet.register("r1",
                new RegisterRequest("r1", "10.9.9.9", 2, 8L << 30, DOCKER_OK)));
        assertEquals(FerryException.Kind.FORBIDDEN, e.kind());
        assertEquals("runner r1 enrolled with the address 127.0.0.1 and now advertises 10.9.9.9: a runner's address is "
                + "fixed at enrollment; to change it, an admin removes the runner (ferry node remove r1) and it "
                + "enrolls again", e.getMessage());
        assertEquals("127.0.0.1", registry.runners().find("r1").orElseThrow().address());
    }

    @Test
    void aRunnerOnAnotherMachineCannotAdvertiseLoopback() throws Exception {
        InetAddress elsewhere = InetAddress.getByName("192.0.2.7");
        for (String address : List.of("127.0.0.1", "localhost", "::1", "127.3.4.5")) {
            FerryException e = assertThrows(FerryException.class, () -> trust.enroll(JOIN,
                    request("r3", address, Credentials.create()), elsewhere), address);
            assertEquals(FerryException.Kind.FORBIDDEN, e.kind());
            assertTrue(e.getMessage().startsWith("runner r3 advertises " + address + ", an address of the Host's own "
                    + "machine, but enrolls from 192.0.2.7, another machine"), e.getMessage());
        }
        assertTrue(registry.runners().find("r3").isEmpty());
        trust.enroll(JOIN, request("r3", "192.0.2.7", Credentials.create()), elsewhere);
        assertTrue(!registry.runners().find("r3").orElseThrow().enrollment().onHostMachine());
        assertTrue(registry.runners().find("r1").orElseThrow().enrollment().onHostMachine());
    }

    @Test
    void aOneTimeJoinTokenEnrollsOnceAndExpires() {
        RunnerTrust.JoinToken once = trust.newJoinToken(Duration.ofMinutes(10));
        assertTrue(trust.isJoinToken(once.token()));
        trust.enroll(once.token(), request("r3", "127.0.0.3", Credentials.create()), InetAddress.getLoopbackAddress());
        assertTrue(!trust.isJoinToken(once.token()), "used");
        FerryException used = assertThrows(FerryException.class, () -> trust.enroll(once.token(),
                request("r4", "127.0.0.4", Credentials.create()), InetAddress.getLoopbackAddress()));
        assertEquals(FerryException.Kind.UNAUTHORIZED, used.kind());
        RunnerTrust.JoinToken later = trust.newJoinToken(Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(11));
        assertTrue(!trust.isJoinToken(later.token()), "expired");
        assertTrue(trust.isJoinToken(JOIN), "the Host's runner.token does not wear out");
        assertTrue(!trust.isJoinToken("ferry-join.guessed"));
    }

    @Test
    void anEnrollmentRepeatedWithTheSameCredentialSucceedsAgainAndChangesNothing() {
        String credential = Credentials.create();
        trust.enroll(JOIN, request("r3", "127.0.0.3", credential), InetAddress.getLoopbackAddress());
        // its answer was lost: the runner asks again with the same credential
        assertEquals("r3", trust.enroll(JOIN, request("r3", "127.0.0.3", credential),
                InetAddress.getLoopbackAddress()).name());
        assertEquals("r3", trust.runnerOf(credential).orElseThrow());
        FerryException other = assertThrows(FerryException.class, () -> trust.enroll(JOIN, request("r3", "127.0.0.3",
                Credentials.create()), InetAddress.getLoopbackAddress()));
        assertEquals(FerryException.Kind.CONFLICT, other.kind(), "another credential is still refused");
        FerryException noDigest = assertThrows(FerryException.class, () -> trust.enroll(JOIN,
                new EnrollRequest("r5", "127.0.0.5", 32768, 60999, "not-a-digest"), InetAddress.getLoopbackAddress()));
        assertEquals(FerryException.Kind.INVALID, noDigest.kind());
        FerryException privileged = assertThrows(FerryException.class, () -> trust.enroll(JOIN,
                new EnrollRequest("r5", "127.0.0.5", 22, 60999, Credentials.digest("x")),
                InetAddress.getLoopbackAddress()));
        assertEquals(FerryException.Kind.INVALID, privileged.kind(), "no range over privileged ports");
    }

    @Test
    void aOneTimeTokenUsedByTwoRunnersAtOnceEnrollsOne() throws Exception {
        RunnerTrust.JoinToken once = trust.newJoinToken(Duration.ofMinutes(10));
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Boolean>> tries = two.invokeAll(List.of("r6", "r7").stream()
                    .map(name -> (java.util.concurrent.Callable<Boolean>) () -> {
                        try {
                            trust.enroll(once.token(), request(name, "127.0.0.6", Credentials.create()),
                                    InetAddress.getLoopbackAddress());
                            return true;
                        } catch (FerryException e) {
                            return false;
                        }
                    }).toList());
            long enrolled = 0;
            for (var t : tries) {
                enrolled += t.get() ? 1 : 0;
            }
            assertEquals(1, enrolled, "one token, one runner");
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void aPortOutsideTheEnrolledRangeIsNeverAnEndpoint() {
        Vps v = create("web");
        report(v, "running", 8000, true, null);
        assertEquals(VpsStatus.FAILED, now(v).status());
        assertNull(now(v).endpoint());
        assertEquals("its runner r1 reported its sshd on port 8000, outside the ports the runner enrolled with "
                + "(32768-60999): not used; see the runner's configuration (--port-range)", now(v).lastError());
        report(v, "running", 32768, true, null);
        assertEquals(new Endpoint("127.0.0.1", 32768), now(v).endpoint(), "a port in range is used again");
    }

    /** A clock tests move by hand. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-23T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

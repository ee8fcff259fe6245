package dev.ferry.bastion.fleet;

import static dev.ferry.bastion.fleet.FleetTestSupport.DOCKER_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterRequest;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys the Host and its runners exchange: the user CA keys, each VPS's host key as its runner reports it, and the
 * host certificate the Host issues for it.
 */
class FleetKeysTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path dir;

    private FleetTestSupport host;

    @BeforeEach
    void open() {
        host = new FleetTestSupport(dir, opened);
    }

    private HeartbeatAnswer reportHostKey(String runner, Vps v, String hostKey) {
        return host.fleet.heartbeat(runner, runner, new HeartbeatRequest(DOCKER_OK, List.of(new ContainerReport(
                Long.toString(v.id()), "c1", ContainerState.RUNNING, 32768, true, null, null, hostKey))));
    }

    private void reportCertificate(Vps v, String hostKey, String certificate) {
        host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(new ContainerReport(
                Long.toString(v.id()), "c1", ContainerState.RUNNING, 32768, true, null, null, hostKey,
                certificate == null ? null : HostCertificates.fingerprint(certificate)))));
    }

    @Test
    void registrationsAndHeartbeatsCarryTheUserCaKeys() {
        String ca = TestKeys.ed25519("ferry-user-ca").toOpenSsh();
        host.fleet = new Fleet(host.registry, host.registry.runners(), host.clock, List.of(ca));
        assertEquals(List.of(ca), host.fleet.register("r1",
                new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK)).userCaKeys());
        host.create("web");
        assertEquals(List.of(ca),
                host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of())).userCaKeys());
    }

    @Test
    void runnersInstallPeoplesKeysForTheirLoginUsersAndNoVpsKeyWhereVpsKeysIsOff() {
        Vps v = host.create("web");
        People people = host.registry.people();
        SshPublicKey carol = TestKeys.ed25519("carol");
        SshPublicKey dave = TestKeys.ed25519("dave");
        people.add("carol", Role.MEMBER, List.of(carol), People.ADMIN_TOKEN);
        people.add("dave", Role.MEMBER, List.of(dave), People.ADMIN_TOKEN);
        people.grant(v.id(), "carol", List.of("dev"), null, People.ADMIN_TOKEN);
        people.grant(v.id(), "dave", List.of(), null, People.ADMIN_TOKEN);
        DesiredVps d = host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of())).vps().get(0);
        assertEquals(Map.of("dev", List.of(carol.toOpenSsh())), d.loginKeys(), "a grant naming dev: dev only");
        assertTrue(d.authorizedKeys().contains(dave.toOpenSsh()), "a grant naming nobody: root");
        assertTrue(d.authorizedKeys().size() > 1, "the VPS's own key too: " + d.authorizedKeys());

        host.fleet = new Fleet(host.registry, host.registry.runners(), host.clock, List.of(), HostCertifier.NONE,
                false);
        DesiredVps peopleOnly = host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of())).vps()
                .get(0);
        assertEquals(List.of(dave.toOpenSsh()), peopleOnly.authorizedKeys(), "vps_keys = false: people's only");
        people.setDisabled("dave", true, "root");
        assertEquals(List.of(), host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of())).vps()
                .get(0).authorizedKeys(), "a disabled person's keys leave the VPS");
    }

    @Test
    void theAnswerCarriesTheCertificateOfTheHostKeyTheRunnerReported() {
        KeyPair hostCa = KeyPairs.generate();
        host.fleet = new Fleet(host.registry, host.registry.runners(), host.clock, List.of(),
                new VpsCertificates(hostCa));
        Vps v = host.create("web");
        assertNull(host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of())).vps().get(0)
                .hostCertificate(), "no key reported yet: nothing to certify");
        SshPublicKey hostKey = TestKeys.ed25519("root@web");
        String cert = reportHostKey("r1", v, hostKey.toOpenSsh()).vps().get(0).hostCertificate();
        assertEquals(new VpsCertificates(hostCa).certificate(host.now(v)), cert, "in the answer to the report itself");
        assertTrue(HostCertificates.certifies(cert, hostKey.toOpenSsh()), cert);
        assertEquals(cert, reportHostKey("r1", v, hostKey.toOpenSsh()).vps().get(0).hostCertificate());
        SshPublicKey remade = TestKeys.ed25519("root@web");
        assertTrue(HostCertificates.certifies(reportHostKey("r1", v, remade.toOpenSsh()).vps().get(0)
                .hostCertificate(), remade.toOpenSsh()), "a container made again gets its new key certified");
    }

    @Test
    void aVpsIsCertifiedWhileItsRunnerServesTheCertificateTheHostIssuesNow() {
        KeyPair hostCa = KeyPairs.generate();
        host.fleet = new Fleet(host.registry, host.registry.runners(), host.clock, List.of(),
                new VpsCertificates(hostCa));
        Vps v = host.create("web");
        String key = TestKeys.ed25519("root@web").toOpenSsh();
        String cert = reportHostKey("r1", v, key).vps().get(0).hostCertificate();
        assertFalse(host.now(v).hostCertified(), "issued, not installed yet");
        reportCertificate(v, key, cert);
        assertTrue(host.now(v).hostCertified());
        reportCertificate(v, key, new VpsCertificates(KeyPairs.generate()).certificate(host.now(v)));
        assertFalse(host.now(v).hostCertified(), "a certificate from another CA is not the Host's");
        reportCertificate(v, key, cert);
        assertTrue(host.now(v).hostCertified());
        reportCertificate(v, TestKeys.ed25519("root@web").toOpenSsh(), cert);
        assertFalse(host.now(v).hostCertified(),
                "a container made again has a new key, which the old one does not certify");
        reportCertificate(v, key, null);
        assertFalse(host.now(v).hostCertified());
    }

    @Test
    void keepsTheHostKeyItsRunnerReportsWithoutTheComment() {
        Vps v = host.create("web");
        SshPublicKey hostKey = TestKeys.ed25519("root@web");
        String line = hostKey.type() + " " + hostKey.base64();
        reportHostKey("r1", v, hostKey.toOpenSsh());
        assertEquals(line, host.now(v).hostKey());
        reportHostKey("r1", v, null);
        assertEquals(line, host.now(v).hostKey(), "a report without a key (an agent just restarted) forgets nothing");
        SshPublicKey remade = TestKeys.ed25519("root@web");
        reportHostKey("r1", v, remade.toOpenSsh());
        assertEquals(remade.type() + " " + remade.base64(), host.now(v).hostKey(),
                "a container made again has new keys");
    }

    @Test
    void aHostKeyThatIsNotOneIsNotStoredAndTheHeartbeatGoesOn() {
        Vps v = host.create("web");
        HeartbeatAnswer a = reportHostKey("r1", v, "ssh-ed25519 bm90IGEga2V5 \u202e evil");
        assertNull(host.now(v).hostKey());
        assertEquals(VpsStatus.RUNNING, host.now(v).status(), "the rest of the report counts");
        assertEquals(1, a.vps().size());
        reportHostKey("r1", v, TestKeys.ed25519("x").toOpenSsh() + " " + "c".repeat(5000));
        assertNull(host.now(v).hostKey(), "oversized");
    }

    @Test
    void aRunnerCannotSetTheHostKeyOfAnotherRunnersVps() {
        Vps v = host.create("web");
        host.fleet.register("r2", new RegisterRequest("r2", "127.0.0.2", 2, 8L << 30, DOCKER_OK));
        reportHostKey("r2", v, TestKeys.ed25519("intruder").toOpenSsh());
        assertNull(host.now(v).hostKey());
        assertEquals(VpsStatus.ASSIGNING, host.now(v).status(), "nor anything else of it");
    }
}

package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain mode's certificates open one VPS only (issue 18, 1): a runner that lies about where its VPS's sshd is
 * cannot land a login in another VPS. Two real sshd play two VPS of one runner, each set up as the start-up step
 * sets up a container (the user CA, and a principals file naming its own VPS); the runner then reports, for VPS
 * a, the endpoint and host key of VPS b.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VpsBoundCertificatesTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String RUNNER = "liar";

    private BastionTestSupport t;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        t = opened.add(BastionTestSupport.start(dir));
        t.fakeRunner(RUNNER);
    }

    /** A VPS placed on the lying runner, served by a real sshd set up as the start-up step does it. */
    private record OnRunner(Vps vps, SshdFixture sshd) {
    }

    private OnRunner vps(String name) throws Exception {
        Path where = dir.resolve("sshd-" + name);
        SshdFixture sshd = SshdFixture.start(where, List.of(), t.certificateLogins(where), 0);
        t.closeLater(sshd);
        Vps v = t.host.registry().create(new NewVps(name, null, List.of(BastionTestSupport.pub(t.aliceKey)),
                new Placement("img", RUNNER, null, null, TargetState.RUNNING, false)));
        sshd.acceptCertificatesFor(v.id());
        return new OnRunner(v, sshd);
    }

    private static ContainerReport running(Vps v, int port, SshPublicKey hostKey) {
        return new ContainerReport(Long.toString(v.id()), "c-" + v.id(), ContainerState.RUNNING, port, true, null,
                null, hostKey.toOpenSsh());
    }

    private void heartbeat(ContainerReport... reports) {
        t.heartbeat(RUNNER, List.of(reports));
    }

    private Vps now(Vps v) {
        return t.host.registry().get(VpsRef.ofId(v.id()));
    }

    @Test
    void aRunnerThatReportsAnotherVpsSshdCannotLandALoginThere() throws Exception {
        OnRunner a = vps("lied-about");
        OnRunner b = vps("target");
        heartbeat(running(a.vps(), a.sshd().port(), a.sshd().hostKey()),
                running(b.vps(), b.sshd().port(), b.sshd().hostKey()));
        t.sshTo(t.alice, "vps-lied-about", "true").requireSuccess();
        assertTrue(a.sshd().log().contains("Accepted certificate ID \"ferry vps-" + a.vps().id() + " user root"),
                a.sshd().log());

        // first the whole lie: a is at b's endpoint with b's host key. b holds that key, so it is not stored
        heartbeat(running(a.vps(), b.sshd().port(), b.sshd().hostKey()),
                running(b.vps(), b.sshd().port(), b.sshd().hostKey()));
        assertTrue(a.sshd().hostKey().sameKey(SshPublicKey.parse(now(a.vps()).hostKey())), "a's key was replaced");
        t.awaitLogged("runner " + RUNNER + " reported host key " + b.sshd().hostKey().fingerprint() + ", which vps "
                + b.vps().id() + " holds: refused, as a possible interception", 10);
        Processes.Result refused = t.sshTo(t.alice, "vps-lied-about", "echo landed");
        assertEquals(255, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("vps-" + a.vps().id() + "'s sshd presented a host key ("
                + b.sshd().hostKey().fingerprint() + ") that is not the one recorded for it"), refused.toString());

        // then a runner that also moves b's key away first: the bastion now expects b's key at a. The certificate
        // it mints names a, and b's sshd takes only b's
        heartbeat(running(a.vps(), a.sshd().port(), a.sshd().hostKey()),
                running(b.vps(), b.sshd().port(), TestKeys.ed25519("made-up")));
        heartbeat(running(a.vps(), b.sshd().port(), b.sshd().hostKey()),
                running(b.vps(), b.sshd().port(), TestKeys.ed25519("made-up")));
        assertTrue(b.sshd().hostKey().sameKey(SshPublicKey.parse(now(a.vps()).hostKey())), "the lie was stored");
        Processes.Result landed = t.sshTo(t.alice, "vps-lied-about", "echo landed");
        assertEquals(255, landed.exit(), landed.toString());
        assertFalse(landed.out().contains("landed"), landed.toString());
        assertTrue(landed.err().contains("vps-" + a.vps().id() + "'s sshd refused the bastion's certificate for "
                + "user root"), landed.toString());
        String other = b.sshd().log();
        assertTrue(other.contains("Certificate does not contain an authorized principal"), other);
        assertTrue(other.contains("ID ferry vps-" + a.vps().id() + " user root"), "b's sshd names the certificate "
                + "it refused: " + other);
        assertFalse(other.contains("Accepted certificate"), other);
    }

    @Test
    void anExternalVpsSetUpTheOldWayIsToldWhatToAdd() throws Exception {
        // before certificates named their VPS, an external VPS's admin added the CA line only
        Path where = dir.resolve("sshd-old");
        try (SshdFixture old = SshdFixture.start(where, List.of(), List.of("TrustedUserCAKeys " + t.userCaFile(where)),
                0)) {
            Vps v = t.host.registry().create(new NewVps("old-way", Endpoint.parse(old.endpoint()),
                    List.of(BastionTestSupport.pub(t.aliceKey))));
            Processes.Result r = t.sshTo(t.alice, "vps-old-way", "true");
            assertEquals(255, r.exit(), r.toString());
            assertTrue(r.err().contains("it needs the lines 'TrustedUserCAKeys /etc/ssh/ferry_user_ca.pub' and "
                    + "'AuthorizedPrincipalsFile /etc/ssh/ferry_principals' in its sshd_config, that file naming vps-"
                    + v.id() + ": ferry ca user-key --vps " + v.id() + " prints what to install"), r.toString());
            assertFalse(old.log().contains("Accepted certificate"), old.log());
        }
    }
}

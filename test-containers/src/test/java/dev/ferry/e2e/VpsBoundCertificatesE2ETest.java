package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.keys.VpsPrincipals;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.testing.Await;
import dev.ferry.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain mode's certificates open one VPS only, with real containers (issue 18, 1): an external VPS set up with
 * the lines {@code ferry ca user-key --vps} prints takes certificates for itself, for any of its users, and a
 * runner that reports that VPS's sshd as its own VPS's cannot land a login there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VpsBoundCertificatesE2ETest {
    private static final String SSHD_IMAGE = "ferry-test/sshd:1";

    private E2eFleet fleet;
    private String external;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        fleet = E2eFleet.start(dir);
        // an sshd Ferry does not run: the image's own Debian sshd_config (with PAM), started by hand, on loopback
        external = Processes.run(List.of("docker", "run", "-d", "-p", "127.0.0.1::22", SSHD_IMAGE, "sh", "-c",
                "ssh-keygen -A && mkdir -p /run/sshd && /usr/sbin/sshd -E /var/log/sshd.log && exec sleep infinity"),
                null, 60).requireSuccess().out().strip();
        Await.until("the external VPS's sshd runs", Duration.ofSeconds(30),
                () -> Processes.run(List.of("docker", "exec", external, "test", "-f", "/run/sshd.pid"),
                null, 30).exit() == 0);
    }

    @AfterAll
    void stop() throws Exception {
        if (external != null) {
            Processes.run(List.of("docker", "rm", "-f", external), null, 60);
        }
        if (fleet != null) {
            fleet.close();
        }
    }

    private String inExternal(String command) {
        return Processes.run(List.of("docker", "exec", external, "sh", "-c", command), null, 30).requireSuccess()
                .out();
    }

    @Test
    void anExternalVpsTakesCertificatesForItselfOnlyWhateverARunnerReports() throws Exception {
        Vps own = fleet.create("e2e-bound", SSHD_IMAGE);
        String published = Processes.run(List.of("docker", "port", external, "22/tcp"), null, 30).requireSuccess()
                .out().lines().findFirst().orElseThrow().strip();
        fleet.ferry("vps", "add", "--endpoint", published, "--name", "e2e-external", "--ssh-key",
                fleet.key + ".pub").requireSuccess();
        long id = fleet.host.registry().get(VpsRef.parse("e2e-external")).id();

        // set up the old way (the CA line only), it is told what to add
        inExternal("printf '%s\\n' '"
                + fleet.ferry("ca", "user-key").requireSuccess().out().strip() + "' > /etc/ssh/ferry_user_ca.pub"
                + " && sed -i '1i TrustedUserCAKeys /etc/ssh/ferry_user_ca.pub' /etc/ssh/sshd_config"
                + " && kill -HUP $(cat /run/sshd.pid)");
        // (once the reload, which re-executes sshd, is done)
        Await.until("a refusal that names the command", Duration.ofSeconds(20),
                () -> fleet.plain("vps-e2e-external", "true").err().contains("ferry ca user-key --vps "
                + id + " prints what to install"));

        // then with what that command prints, run as root there
        Processes.Result setup = fleet.ferry("ca", "user-key", "--vps", "e2e-external").requireSuccess();
        Processes.Result ran = Processes.run(List.of("docker", "exec", "-i", external, "sh", "-e"),
                setup.out().getBytes(StandardCharsets.UTF_8), 60);
        assertEquals(0, ran.exit(), setup.out() + "\n" + ran);
        assertEquals(VpsPrincipals.of(id) + "\n", inExternal("cat " + VpsPrincipals.FILE));
        // the reload re-executes sshd: the first login may come while it does
        Await.until("a plain login", Duration.ofSeconds(20), () -> fleet.plain("vps-e2e-external", "true").exit() == 0);
        assertEquals("in root", fleet.plain("vps-e2e-external", "echo in $(id -un)").requireSuccess().out().strip());
        // any user of the VPS, made as on any Debian server (this sshd has PAM: a locked password is fine)
        inExternal("useradd -m dev");
        assertEquals("in dev", fleet.plain("vps-e2e-external+dev", "echo in $(id -un)").requireSuccess().out()
                .strip());

        // a runner lies: its VPS runs at the external VPS's endpoint, with the external VPS's host key; it also
        // lies first about nothing else holding that key (the external VPS's recorded key moves to a made-up one)
        SshPublicKey externalKey = SshPublicKey.parse(inExternal("cat /etc/ssh/ssh_host_ed25519_key.pub"));
        fleet.stopRunner();
        fleet.host.registry().replaceHostKey(id, dev.ferry.bastion.TestKeys.ed25519("made-up").toOpenSsh());
        int port = Integer.parseInt(published.substring(published.lastIndexOf(':') + 1));
        fleet.host.fleet().heartbeat(fleet.runnerName, fleet.runnerName, new HeartbeatRequest(
                new DockerStatus(true, null, "28.2"), List.of(new ContainerReport(Long.toString(own.id()), "c",
                ContainerState.RUNNING, port, true, null, null, externalKey.toOpenSsh())), null));
        assertTrue(externalKey.sameKey(SshPublicKey.parse(fleet.host.registry().get(VpsRef.ofId(own.id()))
                .hostKey())), "the lie is what the bastion expects now");
        Processes.Result landed = fleet.plain("vps-e2e-bound", "echo landed in $(hostname)");
        assertEquals(255, landed.exit(), landed.toString());
        assertFalse(landed.out().contains("landed"), landed.toString());
        assertTrue(landed.err().contains("vps-" + own.id() + "'s sshd refused the bastion's certificate"),
                landed.toString());
        String log = inExternal("cat /var/log/sshd.log");
        assertTrue(log.contains("Certificate does not contain an authorized principal"), log);
        assertTrue(log.lines().noneMatch(l -> l.contains("Accepted") && l.contains("vps-" + own.id())), log);
    }
}

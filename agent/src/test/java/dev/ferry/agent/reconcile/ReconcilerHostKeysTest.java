package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ExecResult;
import dev.ferry.agent.onstart.OnStartStep;
import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.testing.Opened;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

import static dev.ferry.agent.reconcile.ReconcilerTestSupport.KEY1;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.KEY2;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.PLAIN;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.vps;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A container's own keys: the host key the step reads and reports, and the Host's certificate for it, installed only
 * for the key it certifies.
 */
class ReconcilerHostKeysTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    private ReconcilerTestSupport runner;

    @BeforeEach
    void setUp() {
        runner = opened.add(new ReconcilerTestSupport());
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
        runner.docker.execAnswerFromEnv = env -> {
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
        runner.beat(d);
        assertEquals("", runner.docker.execs.get(0).get("FERRY_HOST_CERTIFICATE"), "no certificate yet");
        assertNull(runner.report("130").hostCertificate());
        // the Host certified the key of a container that is gone: not installed, sshd would serve a stranger's
        runner.beat(certified(d, cert(ca, KeyPairs.generate().getPublic(), "vps-130")));
        assertEquals(2, runner.docker.execs.size());
        assertEquals("", runner.docker.execs.get(1).get("FERRY_HOST_CERTIFICATE"));
        assertNull(runner.report("130").hostCertificate(), "a certificate not installed is not reported");
        String ours = cert(ca, hostKey.getPublic(), "vps-130");
        runner.beat(certified(d, ours));
        assertEquals(3, runner.docker.execs.size(), "a new certificate runs the step again");
        assertEquals(ours, runner.docker.execs.get(2).get("FERRY_HOST_CERTIFICATE"));
        assertEquals(HostCertificates.fingerprint(ours), runner.report("130").hostCertificate(),
                "installed, and said so");
        runner.beat(certified(d, ours));
        assertEquals(3, runner.docker.execs.size(), "the same certificate at every heartbeat: no second run");
        String renamed = cert(ca, hostKey.getPublic(), "vps-130", "vps-web");
        runner.beat(certified(d, renamed));
        assertEquals(renamed, runner.docker.execs.get(3).get("FERRY_HOST_CERTIFICATE"),
                "a renamed VPS's new certificate");
        assertEquals(HostCertificates.fingerprint(renamed), runner.report("130").hostCertificate());
    }

    @Test
    void aRunnerThatRestartsKeepsTheCertificateItsContainersServe() {
        KeyPair ca = KeyPairs.generate();
        KeyPair hostKey = KeyPairs.generate();
        stepServes(hostKey);
        DesiredVps d = vps("131", PLAIN, DesiredState.RUNNING, KEY1);
        runner.beat(d);
        String ours = cert(ca, hostKey.getPublic(), "vps-131");
        runner.beat(certified(d, ours));
        assertEquals(HostCertificates.fingerprint(ours), runner.report("131").hostCertificate());

        // a new runner process: it knows nothing of the steps before, and its first step in the container it adopts
        // passes the Host's certificate (the step keeps it only if it is for the container's key)
        runner.reconciler = runner.reconciler();
        runner.beat(certified(d, ours));
        assertEquals(ours, runner.docker.execs.get(runner.docker.execs.size() - 1).get("FERRY_HOST_CERTIFICATE"),
                "the first step after the restart");
        assertEquals(HostCertificates.fingerprint(ours), runner.report("131").hostCertificate(), "still served");
        int steps = runner.docker.execs.size();
        runner.beat(certified(d, ours));
        assertEquals(steps, runner.docker.execs.size(), "nothing changed: no step again");
    }

    @Test
    void reportsTheHostKeyTheStepReadWithoutItsComment() {
        String hostKey = KEY2.replace(" second", "");
        runner.docker.execAnswer = image -> new ExecResult(0, "2026 [vps 121] sshd started\n"
                + OnStartStep.HOST_KEY_MARKER + KEY2 + "\n2026 [vps 121] start-up step done\n");
        runner.beat(vps("121", PLAIN, DesiredState.RUNNING, KEY1));
        assertEquals(hostKey, runner.report("121").hostKey());
        runner.docker.restart("ferry-vps-121");
        runner.docker.execAnswer = image -> new ExecResult(0, "done\n");
        assertEquals(hostKey, runner.report("121").hostKey(), "the container keeps its host keys across restarts");
    }

    @Test
    void aHostKeyThatIsNotOneIsDropped() {
        runner.docker.execAnswer = image -> new ExecResult(0, OnStartStep.HOST_KEY_MARKER + KEY2 + " "
                + "c".repeat(5000) + "\n");
        runner.beat(vps("122", PLAIN, DesiredState.RUNNING, KEY1));
        assertNull(runner.report("122").hostKey(), "a valid key on an oversized line");
        runner.docker.execAnswer = image -> new ExecResult(0,
                OnStartStep.HOST_KEY_MARKER + "ssh-ed25519 bm90IGEga2V5\n");
        runner.beat(vps("123", PLAIN, DesiredState.RUNNING, KEY1));
        assertNull(runner.report("123").hostKey(), "not a key");
        runner.docker.execAnswer = image -> new ExecResult(0, "no marker at all\n");
        runner.beat(vps("124", PLAIN, DesiredState.RUNNING, KEY1));
        assertNull(runner.report("124").hostKey());
        assertEquals(ContainerState.STARTING, runner.report("124").state(),
                "a VPS without a known host key still runs");
    }
}

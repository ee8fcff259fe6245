package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.VpsPolicy;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.testing.FreePorts;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a VPS demands of its sessions, as the stock OpenSSH client meets it: with recording required, ProxyJump is
 * refused with a sentence naming plain mode (which still works); with forwarding limited, the forwards it does not
 * allow are refused and the rest works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VpsPolicyTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private PlainModeTestSupport plain;
    private BastionTestSupport t;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        plain = PlainModeTestSupport.start(dir, opened);
        t = plain.t;
    }

    @AfterEach
    void back() {
        t.host.registry().setPolicy(VpsRef.ofId(plain.web.id()), VpsPolicy.DEFAULT);
    }

    private void policy(VpsPolicy.Recording recording, VpsPolicy.Forwarding forwarding) {
        t.host.registry().setPolicy(VpsRef.ofId(plain.web.id()), new VpsPolicy(recording, forwarding));
    }

    @Test
    void recordingRequiredRefusesProxyJumpAndNamesPlainMode() {
        policy(VpsPolicy.Recording.REQUIRED, VpsPolicy.Forwarding.ALL);
        Processes.Result hop = t.sshTo(t.alice, List.of("-W", "vps-web:22"), "vps-web");
        assertEquals(255, hop.exit(), hop.toString());
        assertTrue(hop.err().contains("open failed: administratively prohibited: vps-" + plain.web.id() + " (web) "
                + "requires its sessions to be recorded, which ProxyJump cannot be; log in through the bastion instead "
                + "(plain mode): ssh -p " + t.port + " vps-" + plain.web.id() + "@127.0.0.1"), hop.err());
        assertEquals("plain\n", plain.alice("echo plain").requireSuccess().out(), "plain mode still works");
    }

    @Test
    void forwardingLocalRefusesRemoteForwardsAndNoneEveryForward() throws Exception {
        policy(VpsPolicy.Recording.OPTIONAL, VpsPolicy.Forwarding.LOCAL);
        int remote = FreePorts.any();
        Processes.Result r = plain.alice(List.of("-o", "ExitOnForwardFailure=yes", "-R", remote + ":127.0.0.1:"
                + plain.http.port()), "echo should-not-run");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("remote port forwarding failed for listen port " + remote), r.err());
        int local = FreePorts.any();
        Processes.Result l = plain.alice(List.of("-L", local + ":127.0.0.1:" + plain.http.port()),
                "echo local-allowed");
        assertEquals("local-allowed\n", l.requireSuccess().out());

        policy(VpsPolicy.Recording.OPTIONAL, VpsPolicy.Forwarding.NONE);
        Processes.Result w = t.sshTo(t.alice, List.of("-W", "127.0.0.1:" + plain.http.port()), "vps-web");
        assertEquals(255, w.exit(), w.toString());
        assertTrue(w.err().contains("administratively prohibited: vps-" + plain.web.id() + " (web) allows no port "
                + "forwarding (its policy: forwarding none; an admin changes it with: ferry vps policy "
                + plain.web.id() + " --forwarding all)"), w.err());
        assertEquals("commands\n", plain.alice("echo commands").requireSuccess().out(), "sessions still work");
    }
}

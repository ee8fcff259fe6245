package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.fleet.RunnerRegistry;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Instant;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoints the bastion never dials, whoever registered them, checked on the resolved address where the dial
 * happens, through ProxyJump and plain mode alike: the Host's own SSH and API ports (also under a name),
 * unspecified, link-local (cloud metadata) and multicast addresses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NeverDialedTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;
    private int apiPort;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = opened.add(BastionTestSupport.start(dir));
        apiPort = URI.create(t.host.apiUrl()).getPort();
    }

    private Vps register(String name, String host, int port) throws Exception {
        return t.host.registry().create(new NewVps(name, new Endpoint(host, port),
                List.of(BastionTestSupport.pub(t.aliceKey))));
    }

    /** Both ways in must be refused with this reason, and the bastion must not have dialed its own SSH port. */
    private void assertNeverDialed(Vps v, String reason) {
        long accepted = t.host.bastionSessions();
        String name = v.name();
        Processes.Result jump = t.alice.ssh("-J", "vps-" + name + "@" + t.bastion, "root@vps-" + name, "true");
        assertEquals(255, jump.exit(), jump.toString());
        assertTrue(jump.err().contains("open failed: administratively prohibited: " + v.sshUser() + ": its endpoint "
                + reason + ", which the bastion never dials"), jump.toString());
        Processes.Result plain = t.sshTo(t.alice, "vps-" + name, "true");
        assertEquals(255, plain.exit(), plain.toString());
        assertTrue(plain.err().contains("open failed: administratively prohibited: " + v.sshUser() + ": its endpoint "
                + reason + ", which the bastion never dials"), plain.toString());
        // each ssh made one connection to the bastion; a dial of its own SSH port would have made more
        assertEquals(accepted + 2, t.host.bastionSessions(), "the bastion dialed its own SSH port");
    }

    @Test
    void aRunnerOnAnotherMachineNeverMakesTheBastionDialItsOwnMachine() throws Exception {
        // a runner enrolled from elsewhere whose advertised name resolves to the Host's loopback now (DNS moved
        // after its enrollment): its VPS's endpoint names a live listener here, which must never be dialed
        try (ServerSocket canary = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            canary.setSoTimeout(500);
            RunnerRegistry runners = t.host.fleet().runners();
            runners.enroll("far", "localhost", new Runner.Enrollment(false, 1024, 65535), "0".repeat(64), Instant.now());
            runners.register("far", 2, 1L << 30, true, null, "s-far", Instant.now());
            Vps v = t.host.registry().create(new NewVps("far-vps", null, List.of(BastionTestSupport.pub(t.aliceKey)),
                    new Placement("img", "far", null, null, TargetState.RUNNING, false)));
            t.host.registry().recordObserved(v.id(), VpsStatus.RUNNING, new Endpoint("localhost", canary.getLocalPort()),
                    null);
            assertNeverDialed(t.host.registry().get(VpsRef.ofId(v.id())), "localhost:" + canary.getLocalPort()
                    + " resolves to 127.0.0.1, which is on the Host's own machine (loopback, or one of its addresses) "
                    + "while its runner enrolled from another");
            assertThrows(SocketTimeoutException.class, canary::accept, "the canary was dialed");
        }
    }

    @Test
    void theHostsOwnPorts() throws Exception {
        assertNeverDialed(register("own-ssh", "127.0.0.1", t.port), "127.0.0.1:" + t.port
                + " is the Host's own SSH or API port");
        assertNeverDialed(register("own-api", "127.0.0.1", apiPort), "127.0.0.1:" + apiPort
                + " is the Host's own SSH or API port");
        assertNeverDialed(register("own-by-name", "localhost", t.port), "localhost:" + t.port
                + " resolves to 127.0.0.1, which is the Host's own SSH or API port");
    }

    @Test
    void unspecifiedLinkLocalAndMulticastAddresses() throws Exception {
        assertNeverDialed(register("metadata", "169.254.169.254", 22),
                "169.254.169.254:22 is a link-local address (where cloud metadata services answer)");
        assertNeverDialed(register("any", "0.0.0.0", 22), "0.0.0.0:22 is an unspecified address");
        assertNeverDialed(register("multicast", "224.0.0.1", 22), "224.0.0.1:22 is a multicast address");
        assertNeverDialed(register("mapped", "::ffff:169.254.169.254", 22), "[::ffff:169.254.169.254]:22 resolves "
                + "to 169.254.169.254, which is a link-local address (where cloud metadata services answer)");
    }
}

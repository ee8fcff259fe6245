package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.net.ProxyBalancer;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bastion behind a load balancer that speaks the PROXY protocol, with the real OpenSSH client: the log and the
 * penalties see the client the header names (v1 and v2), the balancer itself is never penalised, and a header is
 * taken from the listed balancer only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyProtocolTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String BALANCER = "127.0.0.3";
    private BastionTestSupport t;
    private SshClientFixture mallory;
    private InetSocketAddress backend;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = opened.add(BastionTestSupport.start(dir, Duration.ofSeconds(1),
                c -> c.with(HostSettings.PROXY_PROTOCOL_FROM, List.of(BALANCER))));
        t.startWebVps();
        mallory = t.client("mallory", List.of(t.malloryKey), null);
        backend = new InetSocketAddress(InetAddress.getLoopbackAddress(), t.port);
    }

    private ProxyBalancer balancer(String from, byte[] header) throws Exception {
        ProxyBalancer b = new ProxyBalancer(InetAddress.getByName(from), backend, header);
        t.closeLater(b);
        return b;
    }

    private static Processes.Result via(ProxyBalancer b, SshClientFixture client, String command) {
        return client.ssh("-p", Integer.toString(b.port()), "vps-web+" + SshClientFixture.user() + "@127.0.0.1", command);
    }

    @Test
    void theLogSeesTheClientEachHeaderNames() throws Exception {
        ProxyBalancer v1 = balancer(BALANCER, ProxyBalancer.v1("203.0.113.7", 40001));
        assertEquals("v1", via(v1, t.alice, "echo v1").requireSuccess().out().strip());
        t.awaitLogged("from 203.0.113.7:40001", 10);
        ProxyBalancer v2 = balancer(BALANCER, ProxyBalancer.v2("198.51.100.9", 40002));
        assertEquals("v2", via(v2, t.alice, "echo v2").requireSuccess().out().strip());
        t.awaitLogged("from 198.51.100.9:40002", 10);
        assertTrue(t.hostLogText().lines().filter(l -> l.contains(" login with key ")).noneMatch(
                l -> l.contains(" from 127.0.0.3:")), "a login through the balancer is never the balancer's");
        assertTrue(t.hostLogText().lines().anyMatch(l -> l.contains(" login with key ")
                && l.contains(" from 198.51.100.9:40002")), "the login line names the client");
    }

    @Test
    void aBruteForcerBehindTheBalancerIsPenalisedAndOthersBehindItGoOn() throws Exception {
        ProxyBalancer brute = balancer(BALANCER, ProxyBalancer.v1("203.0.113.8", 40003));
        Processes.Result last = null;
        for (int i = 0; i < 8; i++) {
            last = via(brute, mallory, "true");
            assertNotEquals(0, last.exit());
        }
        t.audit.await("penalty", e -> AuditEvents.has(e, "source", "203.0.113.8"), 10);
        // closed as it is accepted: ssh says so in one of three ways, depending on whether it was reading or
        // writing its greeting when the close came; never a refused key
        assertTrue(last.err().contains("Connection closed") || last.err().contains("kex_exchange_identification")
                || last.err().contains("Broken pipe"), "refused at once now, before any key: " + last.err());
        assertFalse(last.err().contains("Permission denied"), "refused before any key: " + last.err());
        assertEquals(List.of(), t.audit.named("penalty", e -> AuditEvents.has(e, "source", BALANCER)),
                "the balancer itself is not penalised");
        ProxyBalancer honest = balancer(BALANCER, ProxyBalancer.v1("203.0.113.9", 40004));
        assertEquals("in", via(honest, t.alice, "echo in").requireSuccess().out().strip(),
                "another client behind the same balancer goes on");
    }

    @Test
    void aHeaderFromAnAddressNotListedIsRefusedAndNeverBelieved() throws Exception {
        ProxyBalancer spoof = balancer("127.0.0.4", ProxyBalancer.v1("203.0.113.66", 40005));
        Processes.Result r = via(spoof, t.alice, "true");
        assertNotEquals(0, r.exit(), r.toString());
        Thread.sleep(500);
        assertFalse(t.hostLogText().contains("203.0.113.66"), "a header from anywhere else names nobody");
    }

    @Test
    void theListedBalancerWithoutAHeaderIsRefused() throws Exception {
        ProxyBalancer bare = balancer(BALANCER, new byte[0]);
        Processes.Result r = via(bare, t.alice, "true");
        assertNotEquals(0, r.exit(), r.toString());
        t.awaitLogged("connection from load balancer 127.0.0.3 closed: no PROXY protocol header", 10);
    }
}

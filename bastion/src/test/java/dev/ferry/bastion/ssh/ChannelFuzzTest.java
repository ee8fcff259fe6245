package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.testing.Opened;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a real login as the jump user, random direct-tcpip targets and random channel types, and logins under
 * random user names: each is refused or ends, the Host goes on (a good session keeps working, its threads come
 * back), and canary listeners on the loopback addresses the tests use are never dialed. The seed is fixed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelFuzzTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String[] HOSTS = {"127.0.0.1", "127.0.0.2", "::1", "localhost", "0.0.0.0",
        "169.254.169.254", "vps-web", "vps-WEB", "vps-nothere", "vps-web.evil", "vps-", "vps-../etc", "jump",
        "", "\u202evps-web", "vps-" + "9".repeat(40), "[::ffff:127.0.0.1]", "::ffff:127.0.0.2"};

    private BastionTestSupport t;
    private final Random random = new Random(1126);

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = opened.add(BastionTestSupport.start(dir));
        t.startWebVps();
    }

    /** A channel of any type the client names. */
    private static final class AnyChannel extends AbstractClientChannel {
        AnyChannel(String type) {
            super(type);
        }

        @Override
        protected void doOpen() {
            // nothing to set up: the test only asks the bastion to open it
        }
    }

    private String text() {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            b.append((char) (0x20 + random.nextInt(0x300)));
        }
        return b.toString();
    }

    @Test
    void randomTargetsChannelTypesAndUserNamesAreRefusedAndNothingIsDialed() throws Exception {
        int threadsBefore = Thread.activeCount();
        try (ServerSocket canary = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket canary2 = new ServerSocket(canary.getLocalPort(), 50, InetAddress.getByName("127.0.0.2"));
             ServerSocket canary6 = new ServerSocket(canary.getLocalPort(), 50, InetAddress.getByName("::1"));
             SshClient client = BastionTestSupport.minaClient();
             ClientSession good = t.login(client, "vps-web", t.aliceKey);
             ClientSession jump = t.login(client, "jump", t.aliceKey)) {
            int port = canary.getLocalPort();
            for (int i = 0; i < 300; i++) {
                String host = random.nextInt(4) == 0 ? text() : HOSTS[random.nextInt(HOSTS.length)];
                int p = random.nextInt(3) == 0 ? port : random.nextInt(3) == 0 ? 22 : random.nextInt(65536);
                boolean vpsSsh = (host.equalsIgnoreCase("vps-web")) && p == 22;
                try {
                    ChannelDirectTcpip c = jump.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
                            new SshdSocketAddress(host.isEmpty() ? "x" : host, p));
                    OpenFuture f = c.open().verify(Duration.ofSeconds(10));
                    assertTrue(vpsSsh || !f.isOpened(), "opened " + host + ":" + p);
                    c.close(true);
                } catch (IOException | IllegalArgumentException refused) {
                    // refused with a reason, or a name the client library itself will not send
                }
                ConnectionService service = jump.getService(ConnectionService.class);
                AnyChannel any = new AnyChannel(random.nextBoolean() ? text() + "x" : "forwarded-tcpip");
                service.registerChannel(any);
                assertThrows(Exception.class, () -> any.open().verify(Duration.ofSeconds(10)), "a channel type");
                any.close(true);
            }
            for (int i = 0; i < 20; i++) {
                String user = random.nextBoolean() ? text() + "x" : "vps-" + text();
                assertThrows(Exception.class, () -> t.login(client, user, t.aliceKey), user);
            }
            for (ServerSocket c : List.of(canary, canary2, canary6)) {
                c.setSoTimeout(200);
                assertThrows(SocketTimeoutException.class, c::accept, "the canary at " + c.getLocalSocketAddress()
                        + " was dialed");
            }
            // and the canary does see a dial when it is a registered endpoint: the checks above can fail
            t.host.registry().create(new NewVps("canary", new Endpoint("127.0.0.1", port),
                    List.of(BastionTestSupport.pub(t.aliceKey))));
            ChannelDirectTcpip toCanary = jump.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
                    new SshdSocketAddress("vps-canary", 22));
            toCanary.open().verify(Duration.ofSeconds(10));
            canary.setSoTimeout(5000);
            canary.accept().close();
            toCanary.close(true);
            // the good session goes on: a channel of its own still opens to its VPS's sshd
            ChannelDirectTcpip toVps = good.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
                    new SshdSocketAddress("localhost", 22));
            assertTrue(toVps.open().verify(Duration.ofSeconds(10)).isOpened());
            toVps.close(true);
        }
        Thread.sleep(2000);
        assertTrue(Thread.activeCount() <= threadsBefore + 8, "threads before " + threadsBefore + ", after "
                + Thread.activeCount());
        assertEquals("in", t.alice.ssh("-J", "vps-web@" + t.bastion, SshClientFixture.user() + "@vps-web", "echo in")
                .requireSuccess().out().strip());
    }
}

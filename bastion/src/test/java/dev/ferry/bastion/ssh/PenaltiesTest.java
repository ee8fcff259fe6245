package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.LogTail;
import dev.ferry.bastion.net.Sources;
import dev.ferry.bastion.net.Cidr;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Penalties per source, tried with the OpenSSH client from loopback addresses of their own: a brute-forcer's new
 * connections are refused at once after a few failures, while another address goes on, and a user whose first key
 * fails and second works earns nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PenaltiesTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;
    private SshClientFixture mallory;
    private SshClientFixture wrongThenRight;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = opened.add(BastionTestSupport.start(dir));
        t.startWebVps();
        mallory = t.client("mallory", List.of(t.malloryKey), null);
        wrongThenRight = t.client("wrong-then-right", List.of(t.malloryKey, t.aliceKey), null);
    }

    private Processes.Result jumpFrom(SshClientFixture client, String source) {
        // plain mode: one connection, from the source -b names, to the bastion
        return t.sshTo(client, List.of("-b", source), "vps-web+" + SshClientFixture.user(), "true");
    }

    @Test
    void aBruteForcerIsRefusedAtOnceWhileOthersGoOn() throws Exception {
        int denied = 0;
        Processes.Result last = null;
        for (int i = 0; i < 8; i++) {
            last = jumpFrom(mallory, "127.0.0.2");
            if (last.err().contains("Permission denied (publickey)")) {
                denied++;
            }
        }
        // each failure adds 5 s; past 15 s of penalty the source's connections are closed before the key exchange
        assertTrue(denied >= 3 && denied < 8, denied + " of 8 attempts were answered: " + last);
        assertFalse(last.err().contains("Permission denied"), "the last one was refused at once: " + last);
        assertTrue(last.err().contains("Connection closed by") || last.err().contains("kex_exchange_identification")
                || last.err().contains("Connection reset"), last.toString());
        // the audit log names the source and the reason
        t.audit.await("penalty", e -> AuditEvents.has(e, "source", "127.0.0.2")
                && AuditEvents.has(e, "reason", "no login after 1 signed key attempt")
                && e.path("seconds").asInt() == 5, 3, 10);
        // another address is not touched by it
        assertEquals(0, jumpFrom(t.alice, "127.0.0.3").exit());
    }

    @Test
    void aFloodFromAnExemptAddressIsLoggedOnceNotOncePerDroppedConnection() throws Exception {
        // 400 silent connections from 127.0.0.1 (exempt from penalties, like an office behind one NAT address):
        // past 64 not logged in some are dropped, past 256 all are; nothing penalises the address to stop them
        List<Socket> flood = new ArrayList<>();
        LogTail log = t.hostLogTail();
        try {
            for (int i = 0; i < 400; i++) {
                flood.add(new Socket("127.0.0.1", t.port));
            }
            Thread.sleep(1000);
            int dropped = 0;
            for (Socket s : flood) {
                if (closedByTheBastion(s, 20)) {
                    dropped++;
                }
            }
            // one line for the drops (measured: that and an unrelated one); with no throttle, one a drop
            List<String> written = log.lines();
            assertTrue(dropped > 100, "only " + dropped + " of 400 connections were dropped");
            assertTrue(written.stream().anyMatch(l -> l.contains("from 127.0.0.1 closed: ")), "the drops are logged");
            assertTrue(written.size() <= 10, dropped + " connections dropped wrote " + written.size()
                    + " lines to the log, not a few: " + written);
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    @Test
    void connectionsRefusedForAPenaltyLeaveNothingCountedAgainstOthers() throws Exception {
        // 127.0.0.5 earns 15 s of penalty and more (5 s a failure, refused beyond 15 s), then hammers the port:
        // 400 connections, each refused at once
        for (int i = 0; i < 6; i++) {
            jumpFrom(mallory, "127.0.0.5");
        }
        t.audit.await("penalty", e -> AuditEvents.has(e, "source", "127.0.0.5"), 4, 10);
        int refused = 0;
        for (int i = 0; i < 400; i++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress("127.0.0.5", 0));
                s.connect(new InetSocketAddress("127.0.0.1", t.port));
                // at once: a connection let in would be held open for the login grace time (60 s by default);
                // 500 ms leaves room for a busy machine's scheduler
                if (closedByTheBastion(s, 500)) {
                    refused++;
                }
            }
        }
        assertEquals(400, refused, "every connection of the penalised source is closed at once");
        // had those 400 counted as connections not logged in yet (and never been released), past 256 in all a new
        // connection from anywhere would be dropped with a chance of about 43 %: 20 from another address all stay
        List<Socket> others = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket();
                s.bind(new InetSocketAddress("127.0.0.6", 0));
                s.connect(new InetSocketAddress("127.0.0.1", t.port));
                others.add(s);
            }
            Thread.sleep(500);
            for (Socket s : others) {
                assertFalse(closedByTheBastion(s, 20), "a connection from an innocent address was dropped");
            }
        } finally {
            for (Socket s : others) {
                s.close();
            }
        }
        // (those 20 silent connections earned 127.0.0.6 a penalty of its own as they closed: alice comes from .7)
        assertEquals(0, jumpFrom(t.alice, "127.0.0.7").exit());
    }

    /** Whether the bastion ended the connection: read until its end, giving up after {@code waitMillis} of silence. */
    private static boolean closedByTheBastion(Socket s, int waitMillis) throws IOException {
        s.setSoTimeout(waitMillis);
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // the bastion's greeting, then the end for a dropped connection
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void aUserWhoseFirstKeyFailsAndSecondWorksEarnsNothing() throws Exception {
        for (int i = 0; i < 6; i++) {
            Processes.Result r = jumpFrom(wrongThenRight, "127.0.0.4");
            assertEquals(0, r.exit(), "login " + i + ": " + r);
        }
    }

    @Test
    void sourcesAreAddressesForIpv4AndSlash64ForIpv6() throws Exception {
        assertEquals("192.0.2.7", Sources.of(InetAddress.getByName("192.0.2.7")));
        assertEquals("2001:db8:1:2::/64", Sources.of(InetAddress.getByName("2001:db8:1:2::1")));
        assertEquals(Sources.of(InetAddress.getByName("2001:db8:1:2::1")),
                Sources.of(InetAddress.getByName("2001:db8:1:2:ffff::9")), "one /64, one source");
        assertFalse(Sources.of(InetAddress.getByName("2001:db8:1:2::1")).equals(
                Sources.of(InetAddress.getByName("2001:db8:1:3::1"))));
        assertTrue(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("10.200.3.4")));
        assertFalse(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("11.0.0.1")));
        assertTrue(Cidr.parse("127.0.0.1").contains(InetAddress.getLoopbackAddress()));
    }
}

package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.LogTail;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.keys.KeyPairs;
import dev.ferry.testing.Processes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.Command;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * No peer can make the Host queue without bound (issue 18, 2), tried as the security review did, with the raw
 * protocol: a client that sends messages the bastion answers while it never reads the answers, and a container sshd that floods the bastion's connection with global requests and channel opens
 * while it never reads. Each floods for 30 s; the Host's live heap stays within a few MiB of where it was, and a
 * good user logs in meanwhile. (This JVM holds the Host: its heap is the Host's, plus the flooders' few buffers.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePeersTest {
    private static final Duration FLOOD = Duration.ofSeconds(30);
    /** What the Host may hold more after the flood than before it: the bound is 4 MiB a connection. */
    private static final long MAX_GROWTH = 12L << 20;

    private BastionTestSupport t;
    private SshServer hostileVps;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = BastionTestSupport.start(dir, Duration.ofSeconds(60)); // no keepalive ends a flooder meanwhile
        t.startWebVps();
        PublicKey ca = DataDir.prepare(dir.resolve("host")).userCa().getPublic();
        hostileVps = SshServer.setUpDefaultServer();
        hostileVps.setHost("127.0.0.1");
        hostileVps.setPort(0);
        hostileVps.setKeyPairProvider(KeyPairProvider.wrap(KeyPairs.generate()));
        hostileVps.setPublickeyAuthenticator((user, key, session) -> key instanceof OpenSshCertificate c
                && KeyUtils.compareKeys(c.getCaPubKey(), ca));
        hostileVps.setCommandFactory((channel, command) -> new Floods());
        // it never answers a remote forward: the user's later replies all wait behind it
        hostileVps.setGlobalRequestHandlers(List.of((service, request, wantReply, buffer) ->
                "tcpip-forward".equals(request) ? RequestHandler.Result.Replied : RequestHandler.Result.Unsupported));
        hostileVps.start();
        t.host.registry().create(new NewVps("hostile", new Endpoint("127.0.0.1", hostileVps.getPort()),
                List.of(BastionTestSupport.pub(t.aliceKey))));
    }

    @AfterAll
    void stop() throws Exception {
        if (hostileVps != null) {
            hostileVps.stop(true);
        }
        if (t != null) {
            t.close();
        }
    }

    @Test
    void aClientThatNeverReadsItsAnswersCannotFillTheHostsMemory() throws Exception {
        long before = liveHeap();
        try (SshClient client = BastionTestSupport.minaClient();
             ClientSession s = t.login(client, "vps-web", t.aliceKey)) {
            // Before login MINA closes a connection at any message it does not expect (tried: of types 2 to 255
            // only IGNORE, DEBUG and NEWCOMPRESS keep it, and none is answered); once logged in, a message type the
            // bastion does not know gets an SSH_MSG_UNIMPLEMENTED each
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> flood(s, () -> {
                Buffer b = s.createBuffer((byte) 200, 16);
                b.putUInt(0);
                return b;
            }));
            assertGoodUserGetsIn();
            long sentNow = sent.get(FLOOD.toSeconds() + 30, TimeUnit.SECONDS);
            long during = liveHeap();
            System.out.printf("hostile client: %d messages sent, live heap %d -> %d KiB%n", sentNow, kib(before),
                    kib(during));
            assertTrue(during - before < MAX_GROWTH, "live heap " + kib(before) + " -> " + kib(during) + " KiB after "
                    + sentNow + " unanswerable messages from a client that never reads");
        }
    }

    @Test
    void aContainerSshdThatNeverReadsItsAnswersCannotFillTheHostsMemory() throws Exception {
        long before = liveHeap();
        LogTail log = t.hostLogTail();
        // the user's session starts the hostile sshd's command, which floods the bastion's own connection to it
        try (Background user = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-p",
                Integer.toString(t.port), "vps-hostile@127.0.0.1", "flood"))) {
            Floods.started.get(30, TimeUnit.SECONDS);
            assertGoodUserGetsIn();
            long sentNow = Floods.sent.get(FLOOD.toSeconds() + 30, TimeUnit.SECONDS);
            long during = liveHeap();
            System.out.printf("hostile sshd: %d requests and opens sent, live heap %d -> %d KiB%n", sentNow,
                    kib(before), kib(during));
            assertTrue(during - before < MAX_GROWTH, "live heap " + kib(before) + " -> " + kib(during) + " KiB after "
                    + sentNow + " global requests and channel opens from a container sshd that never reads");
        }
        // throttled, the flood's connection writes a line per kind of refusal every 10 s at most, beside its own
        // login and close and a good user's few: 11 lines in all (measured); with no throttle, 60,605
        List<String> written = log.lines();
        assertTrue(written.size() <= 25, written.size() + " lines written during the flood:\n"
                + String.join("\n", written.subList(0, Math.min(written.size(), 25))));
    }

    @Test
    void repliesWaitingBehindAForwardAreCapped() throws Exception {
        try (SshClient client = BastionTestSupport.minaClient();
             ClientSession s = t.login(client, "vps-hostile", t.aliceKey)) {
            Buffer forward = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 64);
            forward.putString("tcpip-forward");
            forward.putBoolean(true);
            forward.putString("127.0.0.1");
            forward.putUInt(0);
            s.writePacket(forward).verify(Duration.ofSeconds(10));
            // each keepalive's reply waits for the forward's, which never comes
            for (int i = 0; i < 2 * 1024 && s.isOpen(); i++) {
                Buffer keepalive = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 64);
                keepalive.putString("keepalive@openssh.com");
                keepalive.putBoolean(true);
                try {
                    s.writePacket(keepalive).verify(Duration.ofSeconds(10));
                } catch (IOException closed) {
                    break;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s.isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(!s.isOpen(), "the connection is still open with 2,048 replies waiting");
            t.awaitLogged("1024 global requests wait for their replies on this connection; closing it", 10);
        }
    }

    /** While a flood goes on, a good user logs in and runs a command. */
    private void assertGoodUserGetsIn() {
        Processes.Result r = t.sshTo(t.alice, "vps-web", "echo in");
        assertEquals("in", r.requireSuccess().out().strip(), r.toString());
    }

    /**
     * Stops reading its own connection, then sends {@code next} messages for {@link #FLOOD}, one written at a time
     * (a flooder that queued its own writes would fill this JVM instead of the Host).
     *
     * @return how many it sent
     */
    private static long flood(Session s, Supplier<Buffer> next) {
        s.getIoSession().suspendRead();
        long end = System.nanoTime() + FLOOD.toNanos();
        long n = 0;
        IoWriteFuture last = null;
        try {
            while (System.nanoTime() < end) {
                if (last != null && !last.await(100, TimeUnit.MILLISECONDS)) {
                    continue; // the other side no longer reads: this one waits, as its socket is full
                }
                last = s.writePacket(next.get());
                n++;
            }
        } catch (IOException e) {
            // the bastion closed it: also a bound
        }
        return n;
    }

    private static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long kib(long bytes) {
        return bytes / 1024;
    }

    /** The hostile sshd's one command: floods the connection it runs on with requests it never reads answers to. */
    private static final class Floods implements Command {
        static final CompletableFuture<Void> started = new CompletableFuture<>();
        static final CompletableFuture<Long> sent = new CompletableFuture<>();
        private final AtomicLong count = new AtomicLong();

        @Override
        public void start(org.apache.sshd.server.channel.ChannelSession channel, Environment env) {
            Session s = channel.getServerSession();
            started.complete(null);
            Thread flooder = new Thread(() -> sent.complete(flood(s, () -> {
                Buffer b;
                if (count.incrementAndGet() % 2 == 0) {
                    b = s.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, 64);
                    b.putString("flood@hostile.example");
                    b.putBoolean(true);
                } else { // a channel type the bastion never relays to the user: refused with a log line
                    b = s.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, 64);
                    b.putString("session");
                    b.putUInt(count.get());
                    b.putUInt(1 << 20);
                    b.putUInt(32 * 1024);
                }
                return b;
            })), "hostile-sshd");
            flooder.setDaemon(true);
            flooder.start();
        }

        @Override
        public void destroy(org.apache.sshd.server.channel.ChannelSession channel) {
        }

        @Override
        public void setInputStream(java.io.InputStream in) {
        }

        @Override
        public void setOutputStream(java.io.OutputStream out) {
        }

        @Override
        public void setErrorStream(java.io.OutputStream err) {
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
        }
    }
}

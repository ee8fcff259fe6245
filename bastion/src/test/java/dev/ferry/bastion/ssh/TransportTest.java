package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.common.future.CancelFuture;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport's own connects, through a MINA client, to a port that never answers. */
class TransportTest {
    private BlackHole hole;
    private SshClient client;

    @BeforeEach
    void start() throws Exception {
        hole = BlackHole.open();
        client = SshClient.setUpDefaultClient();
        client.setIoServiceFactoryFactory(Transport.outgoing());
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, Duration.ofMillis(1500));
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        client.stop();
        hole.close();
    }

    private ConnectFuture connect() throws Exception {
        return client.connect("nobody", new InetSocketAddress("127.0.0.1", hole.port()));
    }

    @Test
    void aConnectNobodyAnswersFailsAtItsTimeoutAndLeavesNoSocket() throws Exception {
        long start = System.nanoTime();
        ConnectFuture f = connect();
        assertTrue(f.await(Duration.ofSeconds(20)), "ended");
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertFalse(f.isConnected());
        ConnectException e = assertInstanceOf(ConnectException.class, f.getException());
        assertTrue(e.getMessage().contains("time-out of 1500ms"), e.getMessage());
        assertTrue(ms >= 1400 && ms < 10_000, "gave up after " + ms + " ms with a 1500 ms timeout");
        assertEquals(0, hole.waitingConnects(), "its socket closed");
    }

    @Test
    void aConnectGivenUpClosesItsSocketAtOnce() throws Exception {
        CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, Duration.ofSeconds(60));
        ConnectFuture f = connect();
        hole.awaitWaiting(1, Duration.ofSeconds(10));
        CancelFuture cancel = f.cancel();
        assertTrue(cancel.await(Duration.ofSeconds(5)) && cancel.isCanceled(), "the cancel was carried out");
        hole.awaitWaiting(0, Duration.ofSeconds(10));
    }

    @Test
    void anAddressItCannotTakeFailsAtOnceAndLeavesNoSocket() throws Exception {
        long before = openSockets();
        ConnectFuture f = client.connect("nobody", InetSocketAddress.createUnresolved("nonexistent.invalid", 22));
        assertTrue(f.await(Duration.ofSeconds(5)), "ended at once");
        assertFalse(f.isConnected());
        assertInstanceOf(UnresolvedAddressException.class, f.getException());
        assertEquals(before, openSockets(), "the socket opened for it was closed");
    }

    /** This process's open sockets. */
    private static long openSockets() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (java.io.IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }
}

package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real SSH connections with one byte corrupted at a random position, in either direction, as OpenSSH's regression
 * suite does with its modpipe tool: each connection ends (the stock client exits, none hangs), and the Host goes
 * on: a clean login works afterwards and its threads come back. The seed is fixed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorruptedStreamTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;
    private final Random random = new Random(26);

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = opened.add(BastionTestSupport.start(dir));
        t.startWebVps();
    }

    /** A relay to the bastion that flips one byte at {@code offset} of one direction of the next connection. */
    private static final class Modpipe implements AutoCloseable {
        final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new ArrayList<>();

        Modpipe(int bastionPort, boolean toServer, long offset, int mask) throws IOException {
            Thread accept = new Thread(() -> {
                try (Socket client = listener.accept(); Socket server = new Socket("127.0.0.1", bastionPort)) {
                    synchronized (sockets) {
                        sockets.add(client);
                        sockets.add(server);
                    }
                    Thread up = pump(client.getInputStream(), server.getOutputStream(), toServer ? offset : -1, mask,
                            server);
                    pump(server.getInputStream(), client.getOutputStream(), toServer ? -1 : offset, mask, client)
                            .join();
                    up.join();
                } catch (IOException | InterruptedException e) {
                    // the connection ended, as it should
                }
            });
            accept.setDaemon(true);
            accept.start();
        }

        private static Thread pump(InputStream in, OutputStream out, long offset, int mask, Socket to) {
            Thread t = new Thread(() -> {
                AtomicLong at = new AtomicLong();
                byte[] buf = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        long start = at.getAndAdd(n);
                        if (offset >= start && offset < start + n) {
                            buf[(int) (offset - start)] ^= (byte) mask;
                        }
                        out.write(buf, 0, n);
                    }
                } catch (IOException e) {
                    // one side went away
                }
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    @Test
    void everyCorruptedConnectionEndsAndTheHostGoesOn() throws Exception {
        // warm up first: the SSH server's and the bridge's thread pools grow to their size with the first logins
        for (int i = 0; i < 3; i++) {
            t.sshTo(t.alice, List.of(), "vps-web+" + SshClientFixture.user(), "true").requireSuccess();
        }
        int threadsBefore = Thread.activeCount();
        int failed = 0;
        for (int i = 0; i < 40; i++) {
            boolean toServer = random.nextBoolean();
            long offset = random.nextInt(i < 20 ? 2500 : 6000); // the key exchange, then the login and the channel
            try (Modpipe pipe = new Modpipe(t.port, toServer, offset, 1 << random.nextInt(8))) {
                long start = System.nanoTime();
                Processes.Result r = t.alice.ssh("-o", "ConnectTimeout=10", "-p", Integer.toString(pipe.port()),
                        "vps-web+" + SshClientFixture.user() + "@127.0.0.1", "true");
                long seconds = (System.nanoTime() - start) / 1_000_000_000L;
                assertTrue(seconds < 30, "connection " + i + " took " + seconds + " s: " + r);
                failed += r.exit() == 0 ? 0 : 1;
            }
        }
        assertTrue(failed >= 20, "a flipped byte ends most connections; only " + failed + " of 40 failed");
        Thread.sleep(2000);
        assertTrue(Thread.activeCount() <= threadsBefore + 8, "threads before " + threadsBefore + ", after "
                + Thread.activeCount());
        Processes.Result clean = t.sshTo(t.alice, List.of(), "vps-web+" + SshClientFixture.user(), "echo clean");
        assertEquals("clean", clean.requireSuccess().out().strip());
    }
}

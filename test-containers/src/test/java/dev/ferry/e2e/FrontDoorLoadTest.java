package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.bastion.ssh.SshdFixture;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.testing.Processes;
import dev.ferry.testing.SshKeygen;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front door under load, against {@code ferry host} started as users start it (the launcher and the JVM
 * options it chooses): 1,000 concurrent logged-in ProxyJump sessions, each with an open channel to the VPS's
 * sshd, then 50 new logins a second for 60 s (each opening its channel and reading the sshd's greeting; a stock
 * {@code ssh -J} among them every few seconds) while 127.0.0.2 tries keys the VPS does not hold. No good login
 * fails, the held sessions stay open, the brute-forcer is penalised and 127.0.0.1 never is, and once everything
 * has closed the Host's live heap and threads are back where they were. Prints the Host's memory per session.
 * Loopback only; the clients are MINA's (one JVM holds the 1,000) and OpenSSH's.
 */
@Tag("load")
class FrontDoorLoadTest {
    private static final int HELD = 1000;
    private static final int LOGINS_PER_SECOND = 50;
    private static final int CHURN_SECONDS = 60;
    /**
     * Users' keys: one, as Ansible's deploy key holding a ControlMaster connection per VPS; the default cap per key
     * must let it hold every session (a cap of 200 disconnected 800 of them).
     */
    private static final int KEYS = 1;
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void thousandSessionsAndFiftyLoginsASecondWhileAnotherAddressBruteForces() throws Exception {
        Path sshKey = SshKeygen.ed25519(dir.resolve("keys"), "user");
        SshClientFixture ssh = SshClientFixture.create(dir.resolve("client"), List.of(sshKey), null);
        List<KeyPair> keys = new ArrayList<>();
        List<String> publicKeys = new ArrayList<>(List.of(Files.readString(Path.of(sshKey + ".pub")).strip()));
        for (int i = 0; i < KEYS; i++) {
            Path k = SshKeygen.ed25519(dir.resolve("keys"), "load" + i);
            keys.add(PrivateKeyFiles.read(k));
            publicKeys.add(Files.readString(Path.of(k + ".pub")).strip());
        }
        // the VPS's sshd: the held channels stay before its login for the whole test
        try (SshdFixture vps = SshdFixture.start(dir.resolve("vps"), List.of(SshClientFixture.publicKey(sshKey)),
                List.of("MaxStartups 3000", "LoginGraceTime 0"), 0);
             // no address exempt from penalties: honest users must never earn one
             HostProcess host = HostProcess.start(dir.resolve("host"), HostProcess.freePort(), HostProcess.freePort(),
                     "")) {
            List<String> add = new ArrayList<>(List.of("vps", "add", "--name", "load", "--endpoint", vps.endpoint()));
            publicKeys.forEach(k -> add.addAll(List.of("--ssh-key-string", k)));
            host.ferry(add.toArray(String[]::new)).requireSuccess();
            SshClient client = client();
            try {
                String jump = "vps-load@127.0.0.1:" + host.sshPort();
                assertEquals("in", ssh.ssh("-J", jump, SshClientFixture.user() + "@vps-load", "echo in")
                        .requireSuccess().out().strip());
                HostProcess.State before = host.state();

                // 1,000 held sessions, 32 logins under way at once
                List<Held> held = Collections.synchronizedList(new ArrayList<>());
                ExecutorService openers = Executors.newFixedThreadPool(32);
                List<Future<?>> opening = new ArrayList<>();
                long openStart = System.nanoTime();
                for (int i = 0; i < HELD; i++) {
                    KeyPair key = keys.get(i % KEYS);
                    opening.add(openers.submit(() -> {
                        held.add(Held.open(client, host.sshPort(), key));
                        return null;
                    }));
                }
                for (Future<?> f : opening) {
                    f.get(5, TimeUnit.MINUTES);
                }
                openers.shutdown();
                long openSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - openStart);
                HostProcess.State with = host.state();

                // 50 new logins a second for 60 s, a stock ssh -J every few seconds, a brute-forcer beside them
                AtomicInteger good = new AtomicInteger();
                List<String> failures = Collections.synchronizedList(new ArrayList<>());
                BruteForcer brute = new BruteForcer(client, host.sshPort());
                Thread bruteThreads = brute.start(4);
                ScheduledExecutorService churn = Executors.newScheduledThreadPool(16);
                ExecutorService logins = Executors.newFixedThreadPool(48);
                AtomicInteger n = new AtomicInteger();
                churn.scheduleAtFixedRate(() -> {
                    KeyPair key = keys.get(n.getAndIncrement() % KEYS);
                    logins.submit(() -> {
                        try (Held h = Held.open(client, host.sshPort(), key)) {
                            good.incrementAndGet();
                        } catch (Exception | AssertionError e) {
                            failures.add(e.toString());
                        }
                    });
                }, 0, 1000 / LOGINS_PER_SECOND, TimeUnit.MILLISECONDS);
                AtomicInteger stockLogins = new AtomicInteger();
                long churnEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHURN_SECONDS);
                while (System.nanoTime() < churnEnd) {
                    Processes.Result r = ssh.ssh("-J", jump, SshClientFixture.user() + "@vps-load", "echo in");
                    if (r.exit() == 0 && r.out().strip().equals("in")) {
                        stockLogins.incrementAndGet();
                    } else {
                        failures.add("ssh -J: " + r);
                    }
                    Thread.sleep(2000);
                }
                churn.shutdown();
                churn.awaitTermination(10, TimeUnit.SECONDS);
                logins.shutdown();
                assertTrue(logins.awaitTermination(2, TimeUnit.MINUTES), "the churn's logins ended");
                brute.stop();
                bruteThreads.join(TimeUnit.MINUTES.toMillis(1));

                long stillOpen = held.stream().filter(Held::isOpen).count();
                for (Held h : held) {
                    h.close();
                }
                // nothing of the 4,000 connections is left: no session, no forwarding channel, no socket
                // (a connection's close is done on the Host's side a moment after the client's: given 10 s, less
                // than any timer that could hold a closed one, such as the 30 s banner deadline of a forward; and
                // the heap is measured once they are gone, not while a thousand closes are still under way)
                for (String kept : List.of("org.apache.sshd.server.session.ServerSessionImpl",
                        "dev.ferry.bastion.ssh.jump.VpsDialChannel", "org.apache.sshd.common.io.nio2.Nio2Session")) {
                    long left = host.liveInstances(kept);
                    for (int i = 0; i < 5 && left > 0; i++) {
                        System.out.println(left + " " + kept + " still alive");
                        Thread.sleep(2000);
                        left = host.liveInstances(kept);
                    }
                    assertEquals(0, left, kept + " instances left 10 s after every client closed");
                }
                HostProcess.State after = host.settled(before);

                System.out.printf("front door load: %d sessions opened in %d s; Host heap %d -> %d KiB (%.1f KiB a "
                                + "session), RSS %d -> %d KiB (%.1f KiB a session), threads %d -> %d; %d logins in %d s "
                                + "and %d stock ssh -J, %d failed; brute-forcer: %s; after closing: heap %d KiB, RSS "
                                + "%d KiB, threads %d%n", HELD, openSeconds, before.heapKiB(), with.heapKiB(),
                        (with.heapKiB() - before.heapKiB()) / (double) HELD, before.rssKiB(), with.rssKiB(),
                        (with.rssKiB() - before.rssKiB()) / (double) HELD, before.threads(), with.threads(),
                        good.get(), CHURN_SECONDS, stockLogins.get(), failures.size(), brute, after.heapKiB(),
                        after.rssKiB(), after.threads());
                assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), "no good login fails");
                assertTrue(good.get() >= LOGINS_PER_SECOND * CHURN_SECONDS * 9 / 10, "logins made: " + good.get());
                assertTrue(stockLogins.get() >= 5, "stock ssh -J logins: " + stockLogins.get());
                assertEquals(HELD, stillOpen, "every held session is still open after the churn");
                assertTrue(with.threads() <= before.threads() + 8, "threads do not grow with sessions: "
                        + before.threads() + " -> " + with.threads());
                assertEquals(0, brute.succeeded(), "no key of the brute-forcer's gets in");
                assertTrue(brute.refusedAtOnce() > brute.authFailures(), "the brute-forcer is mostly refused at "
                        + "once, before trying a key: " + brute);
                String log = host.log();
                assertTrue(log.contains("penalty: source 127.0.0.2 "), "the penalty is in the Host's log");
                assertFalse(log.contains("penalty: source 127.0.0.1 "), "honest users are never penalised");
                // flat: what 4,000 logins left behind fits in 8 MiB of live heap (2 KiB a login), the threads are back
                assertTrue(after.heapKiB() <= before.heapKiB() + 8 * 1024, "live heap after the run: "
                        + before.heapKiB() + " -> " + after.heapKiB() + " KiB");
                // (the JIT's compiler threads come and go on their own: a few either way)
                assertTrue(after.threads() <= before.threads() + 4, "threads after the run: " + before.threads()
                        + " -> " + after.threads());
                assertEquals("in", ssh.ssh("-J", jump, SshClientFixture.user() + "@vps-load", "echo in")
                        .requireSuccess().out().strip());
            } finally {
                client.stop();
            }
        }
    }

    /** MINA's client offering curve25519 only (the cheapest kex both ends have: the load is logins, not kex). */
    private static SshClient client() {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE); // loopback Host made by this test
        client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
                List.of(BuiltinDHFactories.curve25519), ClientBuilder.DH2KEX));
        client.start();
        return client;
    }

    /** A logged-in session with a direct-tcpip channel to vps-load:22 whose sshd greeting has been read. */
    private record Held(ClientSession session, ChannelDirectTcpip channel) implements AutoCloseable {
        static Held open(SshClient client, int port, KeyPair key) throws IOException {
            ClientSession s = client.connect("vps-load", "127.0.0.1", port).verify(T).getSession();
            try {
                s.addPublicKeyIdentity(key);
                s.auth().verify(T);
                ChannelDirectTcpip c = s.createDirectTcpipChannel(new SshdSocketAddress("127.0.0.1", 1),
                        new SshdSocketAddress("vps-load", 22));
                c.open().verify(T);
                InputStream in = c.getInvertedOut();
                String greeting = new String(in.readNBytes(8), StandardCharsets.US_ASCII);
                if (!greeting.equals("SSH-2.0-")) {
                    throw new IOException("the channel brought " + greeting + ", not the VPS's sshd");
                }
                return new Held(s, c);
            } catch (IOException | RuntimeException e) {
                s.close(true);
                throw e;
            }
        }

        boolean isOpen() {
            return session.isOpen() && channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            session.close(true);
        }
    }

    /** Threads logging in from 127.0.0.2 with keys nobody holds, as fast as the Host lets them. */
    private static final class BruteForcer {
        private final SshClient client;
        private final int port;
        private final AtomicInteger authFailures = new AtomicInteger();
        private final AtomicInteger refusedAtOnce = new AtomicInteger();
        private final AtomicInteger succeeded = new AtomicInteger();
        private final AtomicReference<String> other = new AtomicReference<>();
        private volatile boolean stop;

        BruteForcer(SshClient client, int port) {
            this.client = client;
            this.port = port;
        }

        Thread start(int threads) {
            Thread group = new Thread(() -> {
                List<Thread> all = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    Thread t = new Thread(this::run, "brute-" + i);
                    t.start();
                    all.add(t);
                }
                for (Thread t : all) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            group.start();
            return group;
        }

        private void run() {
            try {
                KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
                while (!stop) {
                    attempt(gen.generateKeyPair());
                }
            } catch (Exception e) {
                other.compareAndSet(null, e.toString());
            }
        }

        private void attempt(KeyPair key) {
            ClientSession s = null;
            try {
                s = client.connect("vps-load", new InetSocketAddress("127.0.0.1", port),
                        new InetSocketAddress("127.0.0.2", 0)).verify(T).getSession();
                s.addPublicKeyIdentity(key);
                s.auth().verify(T);
                succeeded.incrementAndGet();
            } catch (IOException e) {
                if (s != null && s.getServerVersion() != null) {
                    authFailures.incrementAndGet(); // it got as far as the bastion's greeting and tried a key
                } else {
                    refusedAtOnce.incrementAndGet();
                }
            } finally {
                if (s != null) {
                    s.close(true);
                }
            }
        }

        void stop() {
            stop = true;
        }

        int authFailures() {
            return authFailures.get();
        }

        int succeeded() {
            return succeeded.get();
        }

        int refusedAtOnce() {
            return refusedAtOnce.get();
        }

        @Override
        public String toString() {
            return authFailures + " keys tried, " + refusedAtOnce + " connections refused before a key, "
                    + succeeded + " logins" + (other.get() == null ? "" : ", " + other.get());
        }
    }
}

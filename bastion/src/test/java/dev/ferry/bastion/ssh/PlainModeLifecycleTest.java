package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain mode's connections live and die together: the user vanishing ends the bastion's connection to the
 * VPS, the VPS hanging up ends the user's, and a thousand sessions leave no thread, socket or process behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainModeLifecycleTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;
    private SshdFixture sshd;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        // keepalives 10 s apart: a stopped VPS stays connected long enough to be flooded (aUserWhoIgnores...)
        t = opened.add(BastionTestSupport.start(dir, Duration.ofSeconds(10)));
        List<String> config = new ArrayList<>(t.certificateLogins(dir.resolve("vps")));
        config.addAll(List.of("MaxStartups 200", "MaxSessions 100"));
        sshd = SshdFixture.start(dir.resolve("vps"), List.of(), config, 0);
        t.closeLater(sshd);
        sshd.acceptCertificatesFor(t.host.registry().create(new NewVps("web", Endpoint.parse(sshd.endpoint()),
                List.of(BastionTestSupport.pub(t.aliceKey)))).id());
    }

    /** Each test starts with no connection left from another. */
    @org.junit.jupiter.api.BeforeEach
    void noConnectionsLeft() throws Exception {
        await(sshd::connections, 0, 30, "connections of earlier tests to end");
    }

    private Background sleeper() throws Exception {
        Background ssh = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1", "echo started; sleep 600"));
        ssh.awaitStdout("started", 30);
        return ssh;
    }

    @Test
    void theUserVanishingEndsTheConnectionToTheVps() throws Exception {
        long before = sshd.connections();
        List<String> earlier = t.audit.loggedIn();
        try (Background ssh = sleeper()) {
            assertEquals(before + 1, sshd.connections(), "one upstream connection for the user's");
            String session = t.audit.awaitLogin(earlier, 10);
            ssh.kill();
            await(() -> sshd.connections() - before, 0, 10, "the VPS's sshd connection to end");
            // a vanished user sends no close, and its session channel still gets its audit event
            t.audit.await("bridge", e -> AuditEvents.has(e, "session", session) && AuditEvents.has(e, "channel",
                    "session"), 10);
        }
    }

    @Test
    void theVpsHangingUpEndsTheUsersSession() throws Exception {
        try (Background ssh = sleeper()) {
            long start = System.nanoTime();
            sshd.dropConnections();
            await(() -> ssh.alive() ? 1 : 0, 0, 10, "the user's ssh to end");
            assertTrue(System.nanoTime() - start < 10_000_000_000L);
        }
    }

    @Test
    void aConnectionWithOnlyAForwardEndsWhenTheVpsHangsUp() throws Exception {
        // no session channel: only the bastion's disconnect can tell the user that its -R forward is gone
        try (Background ssh = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-N",
                "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:1", "-p", Integer.toString(t.port),
                "vps-web@127.0.0.1"))) {
            ssh.awaitStderr(java.util.regex.Pattern.compile("Allocated port \\d+"), 30);
            sshd.dropConnections();
            await(() -> ssh.alive() ? 1 : 0, 0, 10, "the user's ssh to end");
        }
    }

    @Test
    void aUserWhoIgnoresTheWindowCannotFillTheHostsMemory() throws Exception {
        // the VPS stops reading (its sshd is stopped) while the user floods data past its window
        Process flood = new ProcessBuilder("java", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                WindowIgnoringClient.class.getName(), Integer.toString(t.port), "vps-web", t.aliceKey.toString(),
                "400").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<ProcessHandle> stopped = new ArrayList<>();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(flood.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("opened", out.readLine());
            long before = usedHeapAfterGc();
            sshd.connectionProcesses().forEach(p -> {
                stopped.add(p);
                Processes.run(List.of("kill", "-STOP", Long.toString(p.pid())), null, 10);
            });
            flood.getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            flood.getOutputStream().flush();
            Thread.sleep(10_000); // long enough to send 400 MB on loopback many times over
            long during = usedHeapAfterGc();
            assertTrue(during - before < 64L << 20, "the Host's heap grew by " + ((during - before) >> 20)
                    + " MiB while the VPS did not read");
        } finally {
            flood.destroyForcibly();
            stopped.forEach(p -> Processes.run(List.of("kill", "-CONT", Long.toString(p.pid())), null, 10));
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    @Tag("load")
    void aThousandSessionsLeaveNothingBehind() throws Exception {
        try (SshClient client = BastionTestSupport.minaClient()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                run(client, pool, 20, 1); // warm up: pools and caches reach their size
                await(sshd::connections, 0, 10, "warm-up connections to end");
                int threads = Thread.activeCount();
                long files = openFiles();
                run(client, pool, 50, 20);
                await(sshd::connections, 0, 15, "every upstream connection to end");
                await(() -> Math.max(0, Thread.activeCount() - threads - 8), 0, 10, "threads back to "
                        + threads + " (now " + Thread.activeCount() + ")");
                await(() -> Math.max(0, openFiles() - files - 16), 0, 10, "open files back to " + files);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** {@code connections} connections, each running {@code sessions} commands one after another. */
    private void run(SshClient client, ExecutorService pool, int connections, int sessions)
            throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int n = c;
            done.add(pool.submit(() -> {
                try (ClientSession s = t.login(client, "vps-web", t.aliceKey)) {
                    for (int i = 0; i < sessions; i++) {
                        try (ChannelExec exec = s.createExecChannel("echo " + n + "-" + i)) {
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            exec.setOut(out);
                            exec.open().verify(Duration.ofSeconds(20));
                            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(20));
                            assertEquals(n + "-" + i + "\n", out.toString(StandardCharsets.UTF_8));
                            assertEquals(0, exec.getExitStatus());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    private static long openFiles() {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(LongSupplier value, long expected, int seconds, String what) {
        Await.value(what + " to be " + expected, Duration.ofSeconds(seconds), value::getAsLong, v -> v == expected);
    }
}

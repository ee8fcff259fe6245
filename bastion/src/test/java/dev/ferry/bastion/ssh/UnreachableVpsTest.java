package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * VPS that never answer a connect, as those of a runner that died, hold no thread of the Host: every other user's
 * jump and plain login goes through at once while their connects wait out the connect timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnreachableVpsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    /** Connects left waiting in each mode: well over the I/O threads of any machine this runs on. */
    private static final int HANGING = 12;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

    private BastionTestSupport t;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = opened.add(BastionTestSupport.start(dir, Duration.ofSeconds(1),
                c -> c.with(HostSettings.CONNECT_TIMEOUT, CONNECT_TIMEOUT)));
        t.startWebVps();
    }

    @Test
    void usersOfHealthyVpsDoNotWaitForConnectsThatHang() throws Exception {
        try (BlackHole hole = BlackHole.open()) {
            t.host.registry().create(new NewVps("gone", new Endpoint("127.0.0.1", hole.port()),
                    List.of(BastionTestSupport.pub(t.aliceKey))));
            // a client that waits longer than the Host, so that the Host's verdict is what each one prints
            String config = t.client("patient", List.of(t.aliceKey), "ConnectTimeout 60\n").config().toString();
            List<Background> hanging = new ArrayList<>();
            try {
                for (int i = 0; i < HANGING; i++) {
                    hanging.add(Background.start(List.of("ssh", "-F", config, "-J", "vps-gone@" + t.bastion,
                            SshClientFixture.user() + "@vps-gone", "true")));
                    hanging.add(Background.start(List.of("ssh", "-F", config, "-p", Integer.toString(t.port),
                            "vps-gone@127.0.0.1", "true")));
                }
                hole.awaitWaiting(2 * HANGING, Duration.ofSeconds(60));
                long resumeThreads = Thread.getAllStackTraces().keySet().stream()
                        .filter(th -> th.getName().contains("nio2-resume")).count();
                // the listener's transport and plain mode's: MINA's fixed size each, the I/O threads' count
                int bound = 2 * (Runtime.getRuntime().availableProcessors() + 1);
                assertTrue(resumeThreads <= bound, resumeThreads + " resume threads with " + 2 * HANGING
                        + " connects waiting; at most " + bound);

                long start = System.nanoTime();
                Processes.Result jump = t.alice.ssh("-J", "vps-web@" + t.bastion,
                        SshClientFixture.user() + "@vps-web", "echo jumped").requireSuccess();
                Processes.Result plain = t.sshTo(t.alice, "vps-web", "echo plain").requireSuccess();
                long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
                assertEquals("jumped", jump.out().strip());
                assertEquals("plain", plain.out().strip());
                assertEquals(2 * HANGING, hole.waitingConnects(), "the hanging connects were all still waiting "
                        + "when both healthy logins had finished (" + ms + " ms): these did not wait for them");

                Pattern gaveUp = Pattern.compile("vps-\\d+: cannot connect to its sshd at 127\\.0\\.0\\.1:"
                        + hole.port() + " \\(no answer (within|after) 2\\d{4} ms\\)");
                for (Background b : hanging) {
                    b.awaitStderr(gaveUp, (int) CONNECT_TIMEOUT.toSeconds() + 30);
                }
                assertEquals(0, hole.waitingConnects(), "every connect given up ended");
            } finally {
                for (Background b : hanging) {
                    b.close();
                }
            }
        }
    }

    @Test
    void aJumpWhoseUserLeftStopsWaitingAtOnce() throws Exception {
        try (BlackHole hole = BlackHole.open()) {
            t.host.registry().create(new NewVps("left", new Endpoint("127.0.0.1", hole.port()),
                    List.of(BastionTestSupport.pub(t.aliceKey))));
            try (Background jump = Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-J",
                    "vps-left@" + t.bastion, SshClientFixture.user() + "@vps-left", "true"))) {
                hole.awaitWaiting(1, Duration.ofSeconds(60));
                jump.kill();
                // well inside the connect timeout (20 s): the Host gave the connect up when its user left
                hole.awaitWaiting(0, Duration.ofSeconds(5));
            }
        }
    }
}

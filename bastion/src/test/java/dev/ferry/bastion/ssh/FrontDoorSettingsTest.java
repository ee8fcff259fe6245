package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front door's settings at work: logged-in connections per key are capped (max_sessions_per_key, here 2) and
 * the client is told why; a connection that does not log in within the grace time (here 5 s) is closed and earns
 * its source a penalty.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontDoorSettingsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = opened.add(BastionTestSupport.start(dir, Duration.ofSeconds(1), c -> c
                .with(HostSettings.LOGIN_GRACE_TIME, Duration.ofSeconds(5)).with(HostSettings.MAX_SESSIONS_PER_KEY, 2)));
        SshdFixture sshd = SshdFixture.start(dir.resolve("vps"), List.of(BastionTestSupport.pub(t.aliceKey)));
        t.closeLater(sshd);
        t.host.registry().create(new NewVps("web", Endpoint.parse(sshd.endpoint()),
                List.of(BastionTestSupport.pub(t.aliceKey), BastionTestSupport.pub(t.bobKey))));
    }

    @Test
    void aThirdConnectionWithOneKeyIsToldWhyAndOtherKeysGoOn() throws Exception {
        try (SshClient client = BastionTestSupport.minaClient();
             ClientSession one = t.login(client, "vps-web", t.aliceKey);
             ClientSession two = t.login(client, "vps-web", t.aliceKey)) {
            Processes.Result third = t.sshTo(t.alice, List.of(), "vps-web", "true");
            assertEquals(255, third.exit(), third.toString());
            assertTrue(third.err().contains("ferry: key SHA256:") && third.err().contains("holds 2 connections to "
                    + "the bastion already (max_sessions_per_key); close some, or share one with ControlMaster"),
                    third.toString());
            assertTrue(one.isOpen() && two.isOpen(), "those within the cap stay");
            try (ClientSession bob = t.login(client, "vps-web", t.bobKey)) {
                assertTrue(bob.isAuthenticated(), "another key has its own count");
            }
        }
        Thread.sleep(500); // the bastion notices the closes
        try (SshClient client = BastionTestSupport.minaClient();
             ClientSession again = t.login(client, "vps-web", t.aliceKey)) {
            assertTrue(again.isAuthenticated(), "slots come back when connections close");
        }
    }

    @Test
    void aConnectionSilentForTheGraceTimeIsClosedAndItsSourcePenalised() throws Exception {
        long start = System.nanoTime();
        try (Socket silent = new Socket("127.0.0.1", t.port, InetAddress.getByName("127.0.0.5"), 0)) {
            silent.setSoTimeout(15_000);
            silent.getInputStream().transferTo(OutputStream.nullOutputStream()); // the banner, then EOF
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds >= 4 && seconds <= 12, "closed after " + seconds + " s");
        JsonNode penalty = t.audit.await("penalty", e -> AuditEvents.has(e, "source", "127.0.0.5")
                && AuditEvents.has(e, "reason", "no login within the login grace time"), 10);
        assertEquals(20, penalty.path("seconds").asInt(), penalty.toString());
        try (Socket next = new Socket("127.0.0.1", t.port, InetAddress.getByName("127.0.0.5"), 0)) {
            next.setSoTimeout(5_000);
            assertEquals(-1, next.getInputStream().read(), "refused at once, before the banner");
        }
    }
}

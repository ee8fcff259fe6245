package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.SmallDisk;
import dev.ferry.bastion.vps.VpsPolicy;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recordings on a disk that fills up (a tmpfs of 1 MiB under the recordings): a VPS that requires recording ends the
 * session it can no longer record and refuses new ones, with a sentence, until the disk has room again; any other
 * VPS's sessions go on unrecorded, with an audit event that says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingDiskFullTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private PlainModeTestSupport plain;
    private BastionTestSupport t;
    private SmallDisk disk;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        plain = PlainModeTestSupport.start(dir, opened);
        t = plain.t;
    }

    /** A fresh 1 MiB disk under the recordings for each test: nothing one test wrote is left for the next. */
    @BeforeEach
    void mount() throws Exception {
        disk = SmallDisk.mount(t.host.dataDir().resolve("recordings"), 1);
    }

    @AfterEach
    void unmount() {
        disk.close();
    }

    /** A terminal session typing a line every 200 ms until it ends; its client's stderr comes back. */
    private Process typingTerminal() throws Exception {
        Process ssh = new ProcessBuilder("ssh", "-F", t.alice.config().toString(), "-tt", "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1").start();
        t.closeLater(ssh::destroyForcibly);
        Thread typist = new Thread(() -> {
            try (OutputStream typed = ssh.getOutputStream()) {
                for (int i = 0; i < 100 && ssh.isAlive(); i++) {
                    typed.write(("echo line-" + i + "\n").getBytes(StandardCharsets.UTF_8));
                    typed.flush();
                    Thread.sleep(200);
                }
            } catch (Exception ended) {
                // the session ended
            }
        });
        typist.setDaemon(true);
        typist.start();
        return ssh;
    }

    /** The disk has room and the Host knows it (a test before may have filled it): a session is recorded. */
    private void recordable() {
        Await.until("sessions are recorded", Duration.ofSeconds(10), () -> plain.alice("echo ready").exit() == 0);
    }

    @Test
    void aVpsRequiringRecordingEndsAndRefusesWhatItCannotRecordUntilTheDiskHasRoom() throws Exception {
        t.host.registry().setPolicy(VpsRef.ofId(plain.web.id()), new VpsPolicy(VpsPolicy.Recording.REQUIRED,
                VpsPolicy.Forwarding.ALL));
        try {
            recordable();
            Process held = typingTerminal();
            Await.until("the terminal is recorded", Duration.ofSeconds(10), () -> {
                try (var files = java.nio.file.Files.walk(disk.dir())) {
                    return files.anyMatch(f -> f.toString().endsWith(".cast.gz"));
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            disk.fill();
            assertTrue(held.waitFor(30, TimeUnit.SECONDS), "the session it cannot record ends");
            String said = new String(held.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(said.contains("ferry: this session's VPS requires its sessions to be recorded, and this one can "
                    + "no longer be (cannot write the recording "), said);

            Processes.Result refused = plain.alice("echo should-not-run");
            assertEquals(255, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("vps-" + plain.web.id() + " requires its sessions to be recorded, and "
                    + "this Host cannot record them now (cannot write recordings in "), refused.err());

            disk.free();
            Await.until("the disk has room: sessions are recorded again", Duration.ofSeconds(10),
                    () -> plain.alice("echo recorded-again").exit() == 0);
        } finally {
            t.host.registry().setPolicy(VpsRef.ofId(plain.web.id()), VpsPolicy.DEFAULT);
            disk.free();
        }
    }

    @Test
    void anyOtherVpsGoesOnUnrecordedAndTheAuditSaysSo() throws Exception {
        try {
            recordable();
            int before = t.audit.named("recording_failed", e -> true).size();
            disk.fill();
            Process held = typingTerminal();
            t.audit.await("recording_failed", e -> e.get("reason").asText().contains("No space left"), before + 1,
                    20);
            Thread.sleep(1000);
            assertTrue(held.isAlive(), "the session goes on");
            assertEquals("still here\n", plain.alice("echo still here").requireSuccess().out(),
                    "new sessions too");
            held.destroy();
        } finally {
            disk.free();
        }
    }
}

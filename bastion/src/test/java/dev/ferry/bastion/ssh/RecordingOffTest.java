package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.vps.VpsPolicy;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code record_sessions = false}: nothing is recorded, and a VPS that requires recording is refused with why. */
class RecordingOffTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @Test
    void nothingIsRecordedAndAVpsRequiringRecordingIsRefused(@TempDir Path dir) throws Exception {
        PlainModeTestSupport plain = PlainModeTestSupport.start(dir, opened,
                c -> c.with(HostSettings.RECORD_SESSIONS, false));
        assertEquals("unrecorded\n", plain.alice("echo unrecorded").requireSuccess().out());
        assertFalse(Files.exists(plain.t.host.dataDir().resolve("recordings")), "nothing recorded");

        plain.t.host.registry().setPolicy(VpsRef.ofId(plain.web.id()), new VpsPolicy(VpsPolicy.Recording.REQUIRED,
                VpsPolicy.Forwarding.ALL));
        Processes.Result refused = plain.alice("echo should-not-run");
        assertEquals(255, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("requires its sessions to be recorded, and this Host cannot record them now "
                + "(this Host records nothing)"), refused.err());
    }
}

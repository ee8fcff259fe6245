package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.Processes;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain mode against the stock OpenSSH client, with a real sshd as an external VPS that trusts Ferry's
 * user CA: {@code ssh vps-web@bastion ...} is a session in the VPS, as a direct login would be.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainModeTest {
    private BastionTestSupport t;
    private SshdFixture sshd;
    private Vps web;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = BastionTestSupport.start(dir);
        Path ca = t.userCaFile(dir.resolve("vps"));
        sshd = SshdFixture.start(dir.resolve("vps"), List.of(), List.of("TrustedUserCAKeys " + ca), 0);
        t.closeLater(sshd);
        web = t.host.registry().create(new NewVps("web", Endpoint.parse(sshd.endpoint()),
                List.of(BastionTestSupport.pub(t.aliceKey))));
    }

    @AfterAll
    void stop() throws Exception {
        if (t != null) {
            t.close();
        }
    }

    private Processes.Result alice(String... command) {
        return t.sshTo(t.alice, "vps-web", command);
    }

    @Test
    void runsACommandInTheVps() {
        Processes.Result r = alice("echo hello from $(hostname) as $(id -un)").requireSuccess();
        assertEquals("hello from " + hostname() + " as root", r.out().strip(), r.toString());
    }

    @Test
    void passesExitCodes() {
        for (int code : List.of(0, 1, 3, 255)) {
            assertEquals(code, alice("exit " + code).exit(), "exit " + code);
        }
    }

    @Test
    void noTtyUnlessAskedFor() {
        Processes.Result r = alice("tty");
        assertEquals("not a tty", r.out().strip(), r.toString());
    }

    private static String hostname() {
        return Processes.run(List.of("hostname"), null, 10).out().strip();
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import dev.ferry.testing.SshKeygen;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry sessions}: who is connected now, one session in detail, and ending it with a sentence. */
class CliSessionsTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    @Test
    void listShowAndKillALiveSession() throws Exception {
        AdminCliTestSupport cli = new AdminCliTestSupport(home, opened);
        assertEquals("no live sessions\n", cli.ferry("sessions", "list").out());
        Path key = SshKeygen.ed25519(home.resolve("keys"), "carol");
        assertEquals(0, cli.ferry("vps", "add", "--endpoint", "127.0.0.1:2200", "--name", "web", "--ssh-key",
                key + ".pub").code());
        Process ssh = new ProcessBuilder("ssh", "-N", "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o",
                "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-p",
                Integer.toString(cli.host.sshAddress().getPort()), "vps-web@127.0.0.1").redirectErrorStream(true)
                .start();
        try {
            String list = Await.value("the session listed", Duration.ofSeconds(20),
                    () -> cli.ferry("sessions", "list").out(), out -> out.contains("vps-web"));
            assertTrue(list.startsWith("ID "), list);
            Matcher row = Pattern.compile("(?m)^(s\\d+) +vps-web +VPS key +127\\.0\\.0\\.1:\\d+ +none +\\d+s +0 B/0 B"
                    + " +- +SHA256:").matcher(list);
            assertTrue(row.find(), list);
            String id = row.group(1);
            assertTrue(cli.ferry("sessions", "list", "--vps", "web", "--json").out().contains("\"id\" : \"" + id
                    + "\""));
            assertEquals("no live sessions in nothere\n", addedAndListed(cli, "nothere"));

            String shown = cli.ferry("sessions", "show", id).out();
            assertTrue(shown.startsWith("session " + id + ": vps-web from 127.0.0.1:"), shown);
            assertTrue(shown.contains("  vps:     vps-web (id "), shown);
            assertTrue(shown.contains("login root"), shown);
            assertTrue(shown.contains("  no open channels"), shown);

            CliTestSupport.Result killed = cli.ferry("sessions", "kill", id, "--reason", "disk swap at noon");
            assertEquals(0, killed.code(), killed.toString());
            assertTrue(killed.out().startsWith("ended session " + id + " (on "), killed.out());
            assertTrue(ssh.waitFor(10, TimeUnit.SECONDS), "the client was disconnected");
            String said = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(said.contains("ferry: an administrator ended this session: disk swap at noon"), said);

            CliTestSupport.Result gone = cli.ferry("sessions", "show", id);
            assertEquals(ExitCodes.NOT_FOUND, gone.code(), gone.toString());
            assertEquals("ferry: no live session " + id + " (it ended, or it never was): ferry sessions list shows the "
                    + "live ones", gone.err().strip());
        } finally {
            ssh.destroyForcibly();
        }
    }

    /** {@code ferry sessions list --vps NAME} of a VPS added now, which nobody has reached. */
    private static String addedAndListed(AdminCliTestSupport cli, String name) {
        cli.addVps(name);
        return cli.ferry("sessions", "list", "--vps", name).out();
    }
}

package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.testing.Processes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh-audit against the bastion: no warning, no failure. The same tool run against a stock sshd must
 * find problems, so this test can tell the two apart. Needs ssh-audit 3.x (Debian's current package;
 * {@code ./ferry test} provides it and passes its path in {@code FERRY_SSH_AUDIT}).
 */
class SshAuditTest {
    @TempDir
    Path dir;

    private static List<String> sshAudit() {
        String cmd = System.getenv().getOrDefault("FERRY_SSH_AUDIT", "ssh-audit");
        Processes.Result version = Processes.run(List.of(cmd, "-h"), null, 30);
        Matcher m = Pattern.compile("ssh-audit v(\\d+)\\.").matcher(version.out() + version.err());
        assertTrue(m.find(), "cannot run " + cmd + ": " + version);
        int major = Integer.parseInt(m.group(1));
        assertTrue(major >= 3, cmd + " is ssh-audit " + major + ".x, whose algorithm list predates strict KEX and "
                + "ML-KEM; run the tests with ./ferry test, which fetches Debian's current ssh-audit");
        return new ArrayList<>(List.of(cmd, "-n"));
    }

    private static Processes.Result audit(List<String> cmd, int port) {
        List<String> c = new ArrayList<>(cmd);
        c.addAll(List.of("-p", Integer.toString(port), "127.0.0.1"));
        return Processes.run(c, null, 120);
    }

    @Test
    void findsNoWarningAndNoFailure() throws Exception {
        List<String> cmd = sshAudit();
        try (Host host = Host.start(TestRegistries.of(HostConfig.defaults(dir.resolve("host"))
                .withListeners("127.0.0.1", 0, "127.0.0.1", 0)))) {
            Processes.Result r = audit(cmd, host.sshAddress().getPort());
            assertEquals(0, r.exit(), r.toString());
            assertTrue(!r.out().contains("[warn]") && !r.out().contains("[fail]"), r.out());
            assertTrue(r.out().contains("kex-strict-s-v00@openssh.com"), "strict KEX must be offered:\n" + r.out());
            assertTrue(r.out().contains("(key) ssh-ed25519"), r.out());
            assertTrue(!r.out().contains("chacha20"), r.out());
        }
    }

    @Test
    void findsProblemsInAStockSshd() throws Exception {
        List<String> cmd = sshAudit();
        try (SshdFixture stock = SshdFixture.start(dir.resolve("sshd"), List.of())) {
            Processes.Result r = audit(cmd, stock.port());
            assertNotEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("[fail]") || r.out().contains("[warn]"), r.out());
        }
    }
}

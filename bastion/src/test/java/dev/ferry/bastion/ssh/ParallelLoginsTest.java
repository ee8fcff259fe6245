package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Honest users are never caught by the front door's limits: 50 cold {@code ssh -J} at once from one address (as
 * Ansible's forks or parallel-ssh start), without and with ControlMaster on the bastion hop, all log in. The VPS's
 * sshd has the MaxStartups Ferry's start-up step gives a container's (OpenSSH's default, 10:30:100, drops them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelLoginsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final int PARALLEL = 50;

    private BastionTestSupport t;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        t = opened.add(BastionTestSupport.start(dir));
        t.startWebVps("MaxStartups 100:30:200"); // as Ferry's start-up step configures a container's sshd
    }

    private void allLogIn(SshClientFixture client) throws Exception {
        List<String> failed = Processes.inParallelEchoingTheirNumber(PARALLEL, i -> client.ssh("-J", "vps-web@"
                + t.bastion, SshClientFixture.user() + "@vps-web", "echo " + i));
        assertEquals(List.of(), failed, failed.size() + " of " + PARALLEL + " parallel logins failed");
    }

    @Test
    void fiftyColdParallelJumpsFromOneAddressAllLogIn() throws Exception {
        allLogIn(t.alice);
    }

    @Test
    void fiftyColdParallelJumpsWithControlMasterAllLogIn() throws Exception {
        // on the bastion hop, where only the config file reaches: every one may race to be the master
        SshClientFixture multiplexed = t.client("alice-cm", List.of(t.aliceKey), "Host 127.0.0.1\n"
                + "    ControlMaster auto\n    ControlPath " + dir.resolve("cm-%C") + "\n    ControlPersist 30\n");
        allLogIn(multiplexed);
    }
}

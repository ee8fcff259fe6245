package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person reaches a runner's VPS with a key of their own through a grant, both ways in (issue 22): in plain mode
 * the bastion checks the login user; through ProxyJump the VPS's sshd does, with the keys its runner installed
 * for the users the grant names. A revoke takes them away again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeopleE2ETest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String SSHD_IMAGE = "ferry-test/sshd:1";

    private E2eFleet fleet;
    private SshClientFixture carol;
    private Path carolKey;
    private Path dir;
    private String container;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        fleet = opened.add(E2eFleet.start(dir));
        container = "ferry-vps-" + fleet.create("e2e-people", SSHD_IMAGE).id();
        Processes.run(List.of("docker", "exec", container, "useradd", "-m", "dev"), null, 30).requireSuccess();
        Path key = dir.resolve("carol/id_ed25519");
        java.nio.file.Files.createDirectories(key.getParent());
        assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .start().waitFor());
        carol = SshClientFixture.create(dir.resolve("carol-client"), List.of(key), null);
        carolKey = key;
        ok("user", "add", "carol", "--role", "member", "--ssh-key", key + ".pub");
    }

    private void ok(String... args) {
        Processes.Result r = fleet.ferry(args);
        assertEquals(0, r.exit(), r.toString());
    }

    private Processes.Result jump(String login) {
        return carol.ssh("-J", "vps-e2e-people@" + fleet.bastion, login + "@vps-e2e-people", "echo $(id -un)");
    }

    private Processes.Result plain(String login) {
        return carol.ssh("-p", Integer.toString(fleet.port), "vps-e2e-people+" + login + "@127.0.0.1",
                "echo $(id -un)");
    }

    @Test
    void aMemberOwnsTheVpsTheyCreateAndReachesItAsRoot() throws Exception {
        Processes.Result token = fleet.ferry("user", "token", "carol", "--name", "e2e");
        assertEquals(0, token.exit(), token.toString());
        Map<String, String> asCarol = new java.util.HashMap<>(fleet.cliEnv());
        asCarol.put("FERRY_TOKEN", token.out().strip());
        Processes.Result created = E2eFleet.ferry(asCarol, dir, "vps", "create", "--image", SSHD_IMAGE, "--name",
                "e2e-carols", "--ssh-key", carolKey + ".pub", "--wait", "--wait-timeout", "120");
        assertEquals(0, created.exit(), created.toString());
        assertEquals("carol", fleet.host.registry().get(dev.ferry.bastion.vps.VpsRef.parse("e2e-carols")).owner());
        // as its owner, her key is root's in it (the runner installs it), besides being the key she gave
        assertEquals("root", carol.ssh("-J", "vps-e2e-carols@" + fleet.bastion, "root@vps-e2e-carols",
                "echo $(id -un)").requireSuccess().out().strip());
        Processes.Result stop = E2eFleet.ferry(asCarol, dir, "vps", "stop", "e2e-people");
        assertEquals(3, stop.exit(), "not hers, and not granted: as if it did not exist: " + stop);
    }

    @Test
    void aGrantedLoginUserIsReachedBothWaysInAndARevokeTakesItAway() throws Exception {
        assertNotEquals(0, plain("dev").exit(), "no grant yet");
        ok("vps", "grant", "e2e-people", "carol", "--login", "dev");
        assertEquals("dev", plain("dev").requireSuccess().out().strip(), "plain mode, at once");
        // the runner installs carol's key for dev at its next heartbeat's start-up step
        Await.until("carol's ProxyJump as dev", Duration.ofSeconds(60), () -> jump("dev").exit() == 0);
        assertEquals("dev", jump("dev").requireSuccess().out().strip());
        assertEquals("dev", carol.ssh("-J", "jump@" + fleet.bastion, "dev@vps-e2e-people", "echo $(id -un)")
                .requireSuccess().out().strip(), "the generic jump user reaches what her grant opens");
        Processes.Result root = jump("root");
        assertNotEquals(0, root.exit(), "the grant names dev only, and the VPS's sshd knows it: " + root);
        assertTrue(plain("root").err().contains("carol's grant to vps-e2e-people allows the login user dev, not "
                + "root"), "plain mode says why");

        ok("vps", "revoke", "e2e-people", "carol");
        assertNotEquals(0, plain("dev").exit());
        Await.until("carol's key gone from the VPS", Duration.ofSeconds(60), () -> Processes.run(List.of("docker",
                "exec", container, "sh", "-c", "cat /etc/ssh/ferry_keys/dev 2>/dev/null | wc -l"), null, 30)
                .out().strip().equals("0"));
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.protocol.ContainerState;
import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry vps connect} runs the user's ssh (here one whose config says {@code IdentitiesOnly yes} and holds
 * no key) with everything in place, passes arguments after {@code --} through, and says why a VPS that is not
 * running cannot be reached.
 */
class VpsConnectTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private ClientSshTestSupport t;

    @BeforeEach
    void start() throws Exception {
        t = opened.add(new ClientSshTestSupport(home));
    }

    @Test
    void runsSshWithTheGeneratedKeyAndExitsWithItsCode() throws Exception {
        t.createRunning("web");
        CliTestSupport.Result r = t.ferry("vps", "connect", "web", "--", "echo in-the-vps; exit 7");
        assertEquals(7, r.code(), r + "\nssh: " + t.connectLog());
        assertEquals("in-the-vps", t.connectLog().strip());
    }

    @Test
    void aKeyWhosePathHoldsAPercentSignReachesBothHops() throws Exception {
        String id = t.createRunning("web");
        // ssh expands %-tokens in key paths, and in ProxyCommand once more ("%o" is no token: an unescaped path
        // makes ssh stop with "unknown key %o"), but checks an -i path as given (an escaped one is "not accessible")
        Path dir = Files.createDirectories(home.resolve("50%off"));
        for (String suffix : new String[] {"", ".pub"}) {
            Path copy = dir.resolve("key" + suffix);
            Files.copy(home.resolve(".ferry/keys/vps-" + id + suffix), copy);
            Files.setPosixFilePermissions(copy, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        CliTestSupport.Result r = t.ferry("vps", "connect", "web", "--key", dir.resolve("key").toString(), "--",
                "echo percent; exit 4");
        assertEquals(4, r.code(), r + "\nssh: " + t.connectLog());
        assertEquals("percent", t.connectLog().strip());
        CliTestSupport.Result plain = t.ferry("vps", "connect", "web", "--plain", "--key",
                dir.resolve("key").toString(), "--", "echo plain-percent; exit 6");
        assertEquals(6, plain.code(), plain + "\nssh: " + t.connectLog());
        assertTrue(t.connectLog().contains("plain-percent"), t.connectLog());
    }

    @Test
    void passesForwardsThrough() throws Exception {
        t.createRunning("web");
        int local = ClientSshTestSupport.freePort();
        CompletableFuture<CliTestSupport.Result> session = CompletableFuture.supplyAsync(() -> t.ferry("vps",
                "connect", "web", "--", "-o", "ExitOnForwardFailure=yes", "-L",
                local + ":127.0.0.1:" + t.sshd().port(), "sleep 6"));
        // the forward is opened inside the VPS: its own sshd answers on the far end
        String banner = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (banner == null && System.nanoTime() < deadline && !session.isDone()) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", local)) {
                s.setSoTimeout(5000);
                banner = new String(s.getInputStream().readNBytes(7), java.nio.charset.StandardCharsets.US_ASCII);
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        assertEquals("SSH-2.0", banner, "ssh: " + t.connectLog());
        assertEquals(0, session.get(30, TimeUnit.SECONDS).code(), t.connectLog());
    }

    @Test
    void inPlainModeTheBastionLogsInToTheVps() throws Exception {
        t.createRunning("web");
        CliTestSupport.Result r = t.ferry("vps", "connect", "web", "--plain", "--", "echo plain-$((40 + 2)); exit 3");
        assertEquals(3, r.code(), r + "\nssh: " + t.connectLog());
        assertEquals("plain-42", t.connectLog().strip());
    }

    @Test
    void inPlainModeAsAnotherUserNamesThemToTheBastion() throws Exception {
        // no user deploy in the VPS: the bastion's refusal comes after the client named it
        t.createRunning("web");
        CliTestSupport.Result r = t.ferry("vps", "connect", "web", "--plain", "--user", "deploy", "--", "-v",
                "true");
        assertNotEquals(0, r.code(), r.toString());
        String log = t.connectLog();
        assertTrue(log.contains("Authenticating to 127.0.0.1:" + t.sshPort + " as 'vps-"), log);
        assertTrue(log.contains("+deploy'"), log);
    }

    @Test
    void aStrictClientConnectsWithNoPromptThroughTheHostsCertificateAuthorityLines() throws Exception {
        t.createRunning("web");
        // the user checks host keys strictly and trusts nothing yet; no ferry known-hosts or ssh-config was run
        Files.writeString(t.userSshConfig, ClientSshTestSupport.userOptions(home).replace("StrictHostKeyChecking no",
                "StrictHostKeyChecking yes").replace("UserKnownHostsFile /dev/null\n", "GlobalKnownHostsFile "
                + "/dev/null\nUpdateHostKeys no\n"));
        Path known = Files.writeString(Files.createDirectories(home.resolve(".ssh")).resolve("known_hosts"), "");
        CliTestSupport.Result r = t.ferry("vps", "connect", "web", "--plain", "--", "echo strict; exit 5");
        assertEquals(5, r.code(), r + "\nssh: " + t.connectLog());
        assertEquals("strict", t.connectLog().strip());
        assertEquals(t.ferry("known-hosts").out(), Files.readString(home.resolve(".ferry/known_hosts")),
                "Ferry's known_hosts brought up to date, as ferry known-hosts --write does");
        assertEquals("", Files.readString(known), "nothing asked, nothing learnt: the Host's CA vouched");
    }

    @Test
    void saysWhyWhenTheVpsIsNotRunning() throws Exception {
        String id = t.createRunning("web");
        t.runner.report(id, ContainerState.PAUSED, t.sshd().port(), null);
        t.awaitStatus(id, "paused");
        CliTestSupport.Result r = t.ferry("vps", "connect", "web");
        assertEquals(ExitCodes.CONFLICT, r.code(), r.toString());
        assertEquals("ferry: vps-" + id + " is paused; resume it with: ferry vps resume " + id, r.err().strip());
        assertEquals("", t.connectLog(), "ssh never ran");
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.ssh.SshdFixture;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerState;
import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connect lines the CLI prints run as printed for a user whose ssh config says {@code IdentitiesOnly yes}:
 * this machine's Host found from its config, a runner speaking the real protocol, a real sshd as the VPS and
 * the real OpenSSH client.
 */
class ConnectLinesTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private ClientSshTestSupport t;

    @BeforeEach
    void start() throws Exception {
        t = opened.add(new ClientSshTestSupport(home));
    }

    private static String sshLine(CliTestSupport.Result r) {
        return r.err().lines().filter(l -> l.startsWith("          or: ssh ")).findFirst()
                .orElseThrow(() -> new AssertionError("no ssh line printed: " + r)).substring(14);
    }

    @Test
    void theLinePrintedByCreateWithAGeneratedKeyRunsAsPrinted() throws Exception {
        String id = t.createRunning("web");
        CliTestSupport.Result created = t.lastCreate;
        String line = sshLine(created);
        assertTrue(created.err().contains("connect with: ferry vps connect " + id), created.toString());
        assertFalse(line.contains("<"), "no placeholders: " + line);
        assertTrue(line.contains("127.0.0.1") && line.contains(Integer.toString(t.sshPort)),
                "the local Host's bastion address from its config: " + line);

        ClientSshTestSupport.Run run = t.shell(line, "echo ferry-$((6 * 7))\n");
        assertEquals(0, run.exit(), line + "\n" + run.out());
        assertTrue(run.out().contains("ferry-42"), run.out());
    }

    @Test
    void theLinesPrintedByAddForAKeyOfTheUsersOwnRunAsPrintedAndTheVpsKeyIsKnown() throws Exception {
        Path key = Files.createDirectories(home.resolve("my keys")).resolve("ext");
        assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .start().waitFor());
        Path userCa = Files.writeString(home.resolve("user_ca.pub"), t.ferry("ca", "user-key").out());
        Path sshdDir = home.resolve("sshd-ext");
        SshdFixture sshd = opened.add(SshdFixture.start(sshdDir,
                List.of(SshPublicKey.parse(Files.readString(Path.of(key + ".pub")))),
                SshdFixture.certificateLogins(sshdDir, userCa), ClientSshTestSupport.freePort()));
        Path hostKey = Files.writeString(home.resolve("ext_host_key.pub"), sshd.hostKey().toOpenSsh() + "\n");
        CliTestSupport.Result added = t.ferry("vps", "add", "--endpoint", "127.0.0.1:" + sshd.port(), "--name", "ext",
                "--ssh-key", key + ".pub", "--host-key", hostKey.toString());
        assertEquals(0, added.code(), added.toString());
        String id = added.out().strip();
        sshd.acceptCertificatesFor(Long.parseLong(id));

        // the key is not one vps connect finds by itself: the printed commands name it
        String connect = "ferry vps connect " + id + " --key '" + key + "'";
        assertTrue(added.err().contains("connect with: " + connect + "\n"), added.toString());
        assertTrue(added.err().contains("plain mode (" + connect + " --plain) works once"), added.toString());
        CliTestSupport.Result jumped = t.ferry("vps", "connect", id, "--key", key.toString(), "--", "echo jumped; exit 3");
        assertEquals(3, jumped.code(), jumped + "\nssh: " + t.connectLog());
        CliTestSupport.Result plain = t.ferry("vps", "connect", id, "--key", key.toString(), "--plain", "--",
                "echo plain; exit 5");
        assertEquals(5, plain.code(), plain + "\nssh: " + t.connectLog());
        assertEquals("jumped\nplain", t.connectLog().strip());

        // its host key, given at the add, is in Ferry's known_hosts: a strict client checks the VPS end to end
        assertTrue(Files.readString(home.resolve(".ferry/known_hosts")).contains("vps-" + id + ",vps-ext "
                + sshd.hostKey().type() + " " + sshd.hostKey().base64() + "\n"));
        String strict = sshLine(added).replaceFirst("^ssh ", "ssh -o StrictHostKeyChecking=yes ");
        ClientSshTestSupport.Run run = t.shell(strict, "echo ferry-$((6 * 7))\n");
        assertEquals(0, run.exit(), strict + "\n" + run.out());
        assertTrue(run.out().contains("ferry-42"), run.out());
    }

    @Test
    void theOldJumpLineFailsWithThisUsersConfig() throws Exception {
        // the control: -i reaches the last hop only, so a test whose ssh config would let this through
        // could not tell the printed line works
        String id = t.createRunning("web");
        Path key = home.resolve(".ferry/keys/vps-" + id);
        ClientSshTestSupport.Run run = t.shell("ssh -i " + key + " -J vps-" + id + "@127.0.0.1:" + t.sshPort
                + " root@vps-" + id + " true", "");
        assertNotEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("Permission denied (publickey)"), run.out());
    }

    @Test
    void aFailedCreatePrintsTheFailureAndNoConnectLine() throws Exception {
        CompletableFuture<CliTestSupport.Result> create = CompletableFuture.supplyAsync(() -> t.ferry("vps",
                "create", "--image", "missing:1", "--name", "bad", "--gen-ssh-key", "--wait"));
        String id = t.awaitId("bad");
        t.runner.report(id, ContainerState.FAILED, null, "image missing:1 is not on this runner's Docker engine");
        CliTestSupport.Result r = create.get(30, TimeUnit.SECONDS);
        assertEquals(ExitCodes.FAILURE, r.code(), r.toString());
        assertTrue(r.err().contains("vps-" + id + " failed: image missing:1 is not on this runner's Docker engine"),
                r.toString());
        assertFalse(r.err().contains("connect with") || r.err().contains("ssh "), r.toString());

        // the failed VPS keeps its name until it is removed, and the refusal says so
        CliTestSupport.Result again = t.ferry("vps", "create", "--image", "ferry-test/sshd:1", "--name", "bad",
                "--gen-ssh-key");
        assertEquals(ExitCodes.CONFLICT, again.code(), again.toString());
        assertTrue(again.err().contains("a VPS named 'bad' already exists (vps-" + id + ", failed): pick another "
                + "name, or free this one: ferry vps remove bad (or ferry vps rename bad NEW-NAME)"), again.err());
        assertEquals(0, t.ferry("vps", "remove", "bad").code());
        assertEquals(0, t.ferry("vps", "create", "--image", "ferry-test/sshd:1", "--name", "bad", "--gen-ssh-key")
                .code(), "the name is free once the failed VPS is removed");
    }

    @Test
    void aCliOnAnotherMachineUsesTheSshPortTheHostGives() throws Exception {
        // nothing configured there: only the Host's URL and token, as a laptop talking to a server would have
        Path laptop = Files.createDirectories(home.resolve("laptop"));
        Path pub = Files.writeString(laptop.resolve("id.pub"), TestKeys.ed25519("me@laptop").toOpenSsh() + "\n");
        CliTestSupport.Result r = CliTestSupport.run(Map.of("FERRY_HOST", t.host.apiUrl(), "FERRY_TOKEN",
                Files.readString(home.resolve(".ferry/admin.token")).strip()), laptop, "vps", "create", "--image",
                "ferry-test/sshd:1", "--name", "remote", "--ssh-key", pub.toString());
        assertEquals(0, r.code(), r.toString());
        // the hop, which names Ferry's known_hosts and so is a ProxyCommand, reaches the port the Host gave
        assertTrue(sshLine(r).contains("-p " + t.sshPort + " vps-" + r.out().strip() + "@127.0.0.1'"), r.toString());
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry ssh-config}: the blocks it prints and writes, used by the real OpenSSH client. */
class SshConfigTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    private static final String BEGIN = "# >>> ferry ssh-config >>>";

    @TempDir
    Path home;

    private ClientSshTestSupport t;

    @BeforeEach
    void start() throws Exception {
        t = opened.add(new ClientSshTestSupport(home));
    }

    private Path userConfig(String content) throws Exception {
        Path file = Files.createDirectories(home.resolve(".ssh")).resolve("config");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private ClientSshTestSupport.Run ssh(Path config, String host, String command) throws Exception {
        return t.shell("/usr/bin/ssh -F " + config + " " + host + " " + command, "");
    }

    @Test
    void writeTwiceLeavesOneSectionAndEveryOtherByteAsItWas() throws Exception {
        String id = t.createRunning("web");
        // the user's own options first (global, no Host line), a block of theirs, no newline at the end
        String mine = ClientSshTestSupport.userOptions(home) + "\nHost other\n    HostName other.invalid\n    User bob";
        Path file = userConfig(mine);

        CliTestSupport.Result first = t.ferry("ssh-config", "--write");
        assertEquals(0, first.code(), first.toString());
        String once = Files.readString(file);
        assertEquals(mine, Files.readString(Path.of(file + ".ferry-backup")), "the backup is the file as it was");
        CliTestSupport.Result second = t.ferry("ssh-config", "--write");
        assertEquals(0, second.code(), second.toString());
        assertTrue(second.out().contains("up to date"), second.toString());
        String twice = Files.readString(file);
        assertEquals(once, twice);
        assertEquals(1, twice.lines().filter(l -> l.startsWith(BEGIN)).count(), twice);
        int end = twice.indexOf("# <<< ferry ssh-config <<<\n") + "# <<< ferry ssh-config <<<\n".length();
        assertEquals(mine, twice.substring(0, twice.indexOf(BEGIN)) + twice.substring(end),
                "the rest of the file is byte-identical");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        // a later write replaces the section in place: a VPS removed is gone, the user's lines stay
        assertEquals(0, t.ferry("vps", "remove", "web").code());
        assertEquals(0, t.ferry("ssh-config", "--write").code());
        String after = Files.readString(file);
        assertTrue(!after.contains("vps-" + id) && after.endsWith(mine), after);
    }

    @Test
    void sshUsesTheWrittenConfigWithIdentitiesOnlyOnBothHops() throws Exception {
        String id = t.createRunning("web");
        Path file = userConfig(ClientSshTestSupport.userOptions(home));
        assertEquals(0, t.ferry("ssh-config", "--write").code());
        for (String alias : List.of("web", "vps-web", "vps-" + id)) {
            ClientSshTestSupport.Run run = ssh(file, alias, "echo ok-" + alias);
            assertEquals(0, run.exit(), alias + ": " + run.out() + "\n" + Files.readString(file));
            assertTrue(run.out().contains("ok-" + alias), run.out());
        }
        // as VS Code Remote-SSH connects: ssh -T -D PORT host bash, its script on stdin
        ClientSshTestSupport.Run vscode = t.shell("/usr/bin/ssh -F " + file + " -T -D "
                + ClientSshTestSupport.freePort() + " web bash", "echo vscode-$((40 + 2))\n");
        assertEquals(0, vscode.exit(), vscode.out());
        assertTrue(vscode.out().contains("vscode-42"), vscode.out());
    }

    @Test
    void sshUsesTheWrittenPlainModeConfig() throws Exception {
        String id = t.createRunning("web");
        Path file = userConfig(ClientSshTestSupport.userOptions(home));
        assertEquals(0, t.ferry("ssh-config", "--plain", "--write").code());
        for (String alias : List.of("web", "vps-" + id)) {
            ClientSshTestSupport.Run run = ssh(file, alias, "echo plain-" + alias);
            assertEquals(0, run.exit(), alias + ": " + run.out() + "\n" + Files.readString(file));
            assertTrue(run.out().contains("plain-" + alias), run.out());
        }
        ClientSshTestSupport.Run vscode = t.shell("/usr/bin/ssh -F " + file + " -T -D "
                + ClientSshTestSupport.freePort() + " web bash", "echo vscode-$((40 + 2))\n");
        assertEquals(0, vscode.exit(), vscode.out());
        assertTrue(vscode.out().contains("vscode-42"), vscode.out());
    }

    @Test
    void aStrictClientTrustsTheBastionThroughTheKnownHostsTheBlocksName() throws Exception {
        String id = t.createRunning("web");
        // the user checks host keys strictly and trusts nothing yet: their own known_hosts is empty
        Path file = userConfig(ClientSshTestSupport.userOptions(home).replace("StrictHostKeyChecking no",
                "StrictHostKeyChecking yes").replace("UserKnownHostsFile /dev/null\n", "GlobalKnownHostsFile "
                + "/dev/null\nUpdateHostKeys no\n"));
        Files.writeString(home.resolve(".ssh/known_hosts"), "");
        // vps create wrote Ferry's known_hosts already (for the lines it printed): ssh-config writes it as well
        Files.delete(home.resolve(".ferry/known_hosts"));
        CliTestSupport.Result written = t.ferry("ssh-config", "--plain", "--write");
        assertEquals(0, written.code(), written.toString());
        assertTrue(written.err().contains("wrote " + home.resolve(".ferry/known_hosts")), written.toString());
        CliTestSupport.Result lines = t.ferry("known-hosts");
        assertEquals(lines.out(), Files.readString(home.resolve(".ferry/known_hosts")));
        assertTrue(lines.out().startsWith("@cert-authority "), lines.out());
        for (String alias : List.of("web", "vps-" + id)) {
            ClientSshTestSupport.Run run = ssh(file, alias, "echo strict-" + alias);
            assertEquals(0, run.exit(), alias + ": " + run.out() + "\n" + Files.readString(file));
            assertTrue(run.out().contains("strict-" + alias), run.out());
        }
        assertEquals("", Files.readString(home.resolve(".ssh/known_hosts")), "nothing learnt: the CA vouched");

        // the control: without Ferry's file the same client refuses the bastion
        ClientSshTestSupport.Run bare = t.shell("/usr/bin/ssh -F " + file + " -o UserKnownHostsFile="
                + home.resolve(".ssh/known_hosts") + " web true", "");
        assertTrue(bare.exit() != 0 && bare.out().contains("Host key verification failed"), bare.out());

        CliTestSupport.Result again = t.ferry("known-hosts", "--write");
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().startsWith("up to date: " + home.resolve(".ferry/known_hosts")), again.out());
    }

    @Test
    void printsAGenericBlockAndAliasesByName() throws Exception {
        String id = t.createRunning("web");
        CliTestSupport.Result r = t.ferry("ssh-config");
        assertEquals(0, r.code(), r.toString());
        String jump = "127.0.0.1:" + t.sshPort;
        String knownHosts = "    UserKnownHostsFile " + home.resolve(".ssh/known_hosts") + " "
                + home.resolve(".ferry/known_hosts") + "\n";
        assertTrue(r.out().contains("Host vps-*\n" + knownHosts + "    User root\n    ProxyJump jump@" + jump + "\n"),
                r.out());
        assertTrue(r.out().contains("Host web vps-" + id + " vps-web\n" + knownHosts + "    HostName vps-" + id
                + "\n"), r.out());
        assertTrue(r.out().contains("Host 127.0.0.1\n" + knownHosts + "Host *\n"), "the jump hop's: " + r.out());
        String key = home.resolve(".ferry/keys/vps-" + id).toString();
        assertEquals(2, r.out().lines().filter(l -> l.equals("    IdentityFile " + key)).count(),
                "the key on both hops: " + r.out());
        assertTrue(r.out().endsWith("Host *\n"), "what follows in a file stays global: " + r.out());

        CliTestSupport.Result plain = t.ferry("ssh-config", "web", "--plain");
        assertTrue(plain.out().contains("Host web vps-" + id + " vps-web\n" + knownHosts + "    HostName 127.0.0.1\n    Port "
                + t.sshPort + "\n    User vps-" + id + "\n    IdentityFile " + key + "\n"), plain.out());
    }
}

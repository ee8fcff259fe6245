package dev.ferry.cli.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.bastion.FerryException;
import dev.ferry.cli.Env;
import dev.ferry.cli.config.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** The parts behind the printed lines and written configs, one property each. */
class SshPartsTest {
    private static ConfigFile config(String toml) throws Exception {
        Path f = Files.createTempFile("ferry", ".toml");
        Files.writeString(f, toml);
        return ConfigFile.read(f, true);
    }

    /** The Host's answer, which only a remote Host with nothing configured needs. */
    private static final IntSupplier NOT_ASKED = () -> {
        throw new AssertionError("the Host was asked for its SSH port although the answer was configured");
    };

    @Test
    void theBastionComesFromTheEnvironmentTheClientConfigTheLocalHostsConfigOrTheHost() throws Exception {
        Env none = new Env(Map.of(), Path.of("/nonexistent"));
        ConfigFile local = config("[host]\nbind = \"0.0.0.0\"\nssh_port = 2345\napi_port = 8123\n");
        assertEquals(new BastionAddress("127.0.0.1", 2345), BastionAddress.resolve(none, local, "http://127.0.0.1:8123", NOT_ASKED));
        assertEquals(new BastionAddress("10.0.0.2", 22), BastionAddress.resolve(none,
                config("[host]\nbind = \"10.0.0.2\"\nssh_port = 22\n"), "http://127.0.0.1:8000", NOT_ASKED));
        assertEquals(new BastionAddress("bastion.example", 2022), BastionAddress.resolve(none, local,
                "https://bastion.example:8000", () -> 2022), "another Host: its API's name, the port it says");
        assertEquals(new BastionAddress("b.example", 22), BastionAddress.resolve(none,
                config("[client]\nbastion = \"b.example:22\"\n"), "https://bastion.example:8000", NOT_ASKED));
        assertEquals(new BastionAddress("fd00::5", 2200), BastionAddress.resolve(new Env(Map.of("FERRY_BASTION", "[fd00::5]:2200"),
                Path.of("/nonexistent")), local, "http://127.0.0.1:8123", NOT_ASKED));
        assertEquals("jump@[fd00::5]:2200", new BastionAddress("fd00::5", 2200).jumpSpec("jump"));
        assertThrows(FerryException.class, () -> BastionAddress.resolve(new Env(Map.of("FERRY_BASTION", "a:b"),
                Path.of("/nonexistent")), local, "http://127.0.0.1:8123", NOT_ASKED));
    }

    @Test
    void shellWordsSurviveTheShell() {
        assertEquals("ssh -i '/home/me/my keys/k' 'it'\\''s'", ShellWords.join(List.of("ssh", "-i",
                "/home/me/my keys/k", "it's")));
        assertEquals("ProxyCommand=ssh", ShellWords.quote("ProxyCommand=ssh"));
    }

    @Test
    void aKeyFileGoesToBothHopsThroughProxyCommand() {
        SshLine line = new SshLine("ssh", new BastionAddress("b.example", 2222), "vps-1", "root", Path.of("/k/vps-1"));
        assertEquals(List.of("ssh", "-i", "/k/vps-1", "-o", "IdentitiesOnly=yes", "-o",
                "ProxyCommand=ssh -i /k/vps-1 -o IdentitiesOnly=yes -W %h:%p -p 2222 vps-1@b.example",
                "root@vps-1", "-X"), line.jump(List.of("-X")));
        assertEquals(List.of("ssh", "-J", "vps-1@b.example:2222", "root@vps-1"),
                new SshLine("ssh", new BastionAddress("b.example", 2222), "vps-1", "root", null).jump(List.of()));
        assertEquals(List.of("ssh", "-p", "2222", "vps-1+deploy@b.example"),
                new SshLine("ssh", new BastionAddress("b.example", 2222), "vps-1", "deploy", null).plain(List.of()));
    }

    @Test
    void aPercentSignInAPathIsDoubledOnceForEachExpansionItMeets() {
        SshLine line = new SshLine("ssh", new BastionAddress("b.example", 2222), "vps-1", "root", Path.of("/k/50%off"),
                List.of(Path.of("/k/50%off.known")));
        assertEquals(List.of("ssh", "-o", "IdentityFile=/k/50%%off", "-o", "IdentitiesOnly=yes", "-o",
                "UserKnownHostsFile=/k/50%%off.known", "-o", "ProxyCommand=ssh -o IdentityFile=/k/50%%%%off "
                        + "-o IdentitiesOnly=yes -o UserKnownHostsFile=/k/50%%%%off.known -W %h:%p -p 2222 "
                        + "vps-1@b.example", "root@vps-1"), line.jump(List.of()));
        assertEquals(List.of("ssh", "-o", "IdentityFile=/k/50%%off", "-o", "IdentitiesOnly=yes", "-o",
                "UserKnownHostsFile=/k/50%%off.known", "-p", "2222", "vps-1@b.example"), line.plain(List.of()));
    }

    @Test
    void knownHostsFilesGoToBothHopsThroughProxyCommand() {
        List<Path> known = List.of(Path.of("/home/me/.ssh/known_hosts"), Path.of("/home/me/my files/known_hosts"));
        SshLine line = new SshLine("ssh", new BastionAddress("b.example", 2222), "vps-1", "root", null, known);
        String option = "UserKnownHostsFile=/home/me/.ssh/known_hosts \"/home/me/my files/known_hosts\"";
        assertEquals(List.of("ssh", "-o", option, "-o", "ProxyCommand=ssh -o '" + option + "' -W %h:%p -p 2222 "
                + "vps-1@b.example", "root@vps-1"), line.jump(List.of()));
        assertEquals(List.of("ssh", "-o", option, "-p", "2222", "vps-1@b.example"), line.plain(List.of()));
    }
}

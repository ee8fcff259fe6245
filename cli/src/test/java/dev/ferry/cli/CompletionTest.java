package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry completion bash}: commands and options from picocli, VPS names from the Host, in a real bash. */
class CompletionTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private ClientSshTestSupport t;

    @BeforeEach
    void start() throws Exception {
        t = opened.add(new ClientSshTestSupport(home));
    }

    /** What bash completes for these words, the last one being completed; 'ferry' answers as the CLI did. */
    private String complete(Path script, Path refs, String... words) throws Exception {
        String line = "source " + script + "; ferry() { cat " + refs + "; }; COMP_WORDS=(" + String.join(" ", words)
                + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE};"
                + " _ferry_complete_vps ferry; echo \"${COMPREPLY[*]}\"";
        ClientSshTestSupport.Run run = t.shell(line, "");
        assertEquals(0, run.exit(), run.out());
        String[] lines = run.out().strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    @Test
    void completesCommandsAndVpsNamesFromTheHost() throws Exception {
        t.ferry("vps", "add", "--endpoint", "127.0.0.1:2200", "--name", "web", "--ssh-key-string",
                dev.ferry.keys.SshPublicKey.of(dev.ferry.keys.KeyPairs.generate().getPublic(), "a").toOpenSsh());
        t.ferry("vps", "add", "--endpoint", "127.0.0.1:2201", "--name", "db", "--ssh-key-string",
                dev.ferry.keys.SshPublicKey.of(dev.ferry.keys.KeyPairs.generate().getPublic(), "b").toOpenSsh());
        CliTestSupport.Result refs = t.ferry("vps", "list", "--refs");
        assertEquals("web\ndb", refs.out().strip().lines().sorted(java.util.Comparator.reverseOrder())
                .reduce((a, b) -> a + "\n" + b).orElse(""), refs.toString());
        Path refsFile = Files.writeString(home.resolve("refs"), refs.out());

        for (String shell : new String[] {"bash", "zsh"}) {
            CliTestSupport.Result r = CliTestSupport.run(Map.of(), home, "completion", shell);
            assertEquals(0, r.code(), r.toString());
            Path script = Files.writeString(home.resolve("ferry." + shell), r.out());
            assertEquals("connect", complete(script, refsFile, "ferry", "vps", "con"));
            assertEquals("web", complete(script, refsFile, "ferry", "vps", "connect", "w"));
            assertEquals("db", complete(script, refsFile, "ferry", "vps", "restart", "d"));
            assertEquals(List.of("--wait", "--wait-timeout"), Arrays.stream(complete(script, refsFile, "ferry", "vps",
                    "stop", "--wa").split(" ")).sorted().toList());
        }
        assertEquals(ExitCodes.USAGE, CliTestSupport.run(Map.of(), home, "completion", "fish").code());
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --help} on every command. */
class CliHelpTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private AdminCliTestSupport cli;

    @BeforeEach
    void start() throws Exception {
        cli = new AdminCliTestSupport(home, opened);
    }

    @Test
    void helpWorksEverywhere() {
        for (String[] args : new String[][] {{"--help"}, {"vps", "--help"}, {"vps", "add", "--help"},
                {"vps", "keys", "remove", "--help"}, {"host", "--help"}}) {
            CliTestSupport.Result r = cli.ferry(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r);
            assertTrue(r.out().contains("Usage: ferry"), r.out());
        }
    }
}

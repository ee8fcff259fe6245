package dev.ferry.cli.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ferry's section of an ssh_config file, in the cases the end-to-end test does not meet. */
class SshConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void aFileWithOnlyTheStartMarkerIsLeftAlone() throws Exception {
        Path file = dir.resolve("config");
        String broken = "Host a\n" + SshConfigFile.BEGIN + "\nHost b\n";
        Files.writeString(file, broken);
        FerryException e = assertThrows(FerryException.class, () -> SshConfigFile.write(file, "Host *\n"));
        assertTrue(e.getMessage().contains("end marker"), e.getMessage());
        assertEquals(broken, Files.readString(file));
    }

    @Test
    void aSymlinkedConfigIsWrittenThroughAndStaysALink() throws Exception {
        Path real = Files.writeString(dir.resolve("dotfiles-ssh-config"), "Host a\n    User x\n");
        Path link = Files.createSymbolicLink(dir.resolve("config"), real);
        assertEquals(SshConfigFile.Outcome.ADDED, SshConfigFile.write(link, "Host *\n"));
        assertTrue(Files.isSymbolicLink(link));
        assertTrue(Files.readString(real).startsWith(SshConfigFile.BEGIN + "\nHost *\n" + SshConfigFile.END
                + "\nHost a\n"), Files.readString(real));
        assertEquals(SshConfigFile.Outcome.CREATED, SshConfigFile.write(dir.resolve("sub/new"), "Host *\n"));
    }
}

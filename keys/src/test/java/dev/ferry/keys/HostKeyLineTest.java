package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyLineTest {
    @TempDir
    Path dir;

    @Test
    void dropsTheCommentAndKeepsTheKeySshKeygenMade() throws Exception {
        Path key = SshKeygen.generate(dir, "ssh_host_ed25519_key", "root@container", "-t", "ed25519");
        String pub = Files.readString(Path.of(key + ".pub"));
        String line = HostKeyLine.normalize(pub + "\n");
        String[] parts = pub.strip().split(" ");
        assertEquals(parts[0] + " " + parts[1], line);
        assertEquals(SshPublicKey.parse(pub).fingerprint(), SshPublicKey.parse(line).fingerprint());
    }

    @Test
    void refusesWhatIsNotAKeyAndWhatIsTooLong() {
        assertThrows(KeyFormatException.class, () -> HostKeyLine.normalize("hello"));
        assertThrows(KeyFormatException.class, () -> HostKeyLine.normalize(null));
        assertThrows(KeyFormatException.class, () -> HostKeyLine.normalize("ssh-ed25519 AAAA"));
        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> HostKeyLine.normalize("ssh-ed25519 " + "A".repeat(HostKeyLine.MAX_LENGTH)));
        assertTrue(e.getMessage().contains("at most " + HostKeyLine.MAX_LENGTH), e.getMessage());
    }
}

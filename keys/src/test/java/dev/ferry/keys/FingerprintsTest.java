package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintsTest {

    @Test
    void isUnpaddedBase64OfSha256WithThePrefixOpenSshUses() {
        // SHA-256 of no bytes is the well-known e3b0c442...b855; padded base64 would end in "=".
        assertEquals("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", Fingerprints.sha256(new byte[0]));
    }

    @Test
    void matchesSshKeygenForARealKey(@TempDir Path dir) throws Exception {
        Path key = SshKeygen.generate(dir, "id", "x", "-t", "ed25519");
        String base64 = Files.readString(Path.of(key + ".pub")).split(" ")[1];

        assertEquals(SshKeygen.fingerprint(Path.of(key + ".pub")), Fingerprints.sha256(Base64.getDecoder().decode(base64)));
    }
}

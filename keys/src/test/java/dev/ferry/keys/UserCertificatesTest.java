package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates as {@code ssh-keygen -L} reads them: the fields sshd decides on. */
class UserCertificatesTest {

    @Test
    void aCertificateCarriesPrincipalKeyIdValidityAndEveryPermission(@TempDir Path dir) throws Exception {
        KeyPair ca = KeyPairs.generate();
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        KeyPair id = UserCertificates.issue(ca, "deploy", "ferry vps-1 user deploy key SHA256:x", now,
                Duration.ofMinutes(2), Duration.ofMinutes(5));
        OpenSshCertificate cert = (OpenSshCertificate) id.getPublic();
        Path file = Files.writeString(dir.resolve("id-cert.pub"), PublicKeyEntry.toString(cert) + "\n");
        String listed = SshKeygen.run("-L", "-f", file.toString());
        assertTrue(listed.contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate"), listed);
        assertTrue(listed.contains("Key ID: \"ferry vps-1 user deploy key SHA256:x\""), listed);
        assertTrue(listed.contains("Valid: from 2026-11-26T11:58:00 to 2026-11-26T12:05:00")
                || listed.matches("(?s).*Valid: from 2026-11-26T\\d\\d:58:00 to 2026-11-26T\\d\\d:05:00.*"), listed);
        assertTrue(listed.matches("(?s).*Principals:\\s+deploy\\s+Critical Options: \\(none\\).*"), listed);
        for (String permit : UserCertificates.EXTENSIONS) {
            assertTrue(listed.contains(permit), permit + " in:\n" + listed);
        }
        assertEquals(SshPublicKey.of(ca.getPublic(), "").fingerprint(),
                listed.replaceAll("(?s).*Signing CA: ED25519 (SHA256:\\S+).*", "$1"), listed);
    }

    @Test
    void everyCertificateHasItsOwnKey() {
        KeyPair ca = KeyPairs.generate();
        Instant now = Instant.now();
        KeyPair a = UserCertificates.issue(ca, "root", "a", now, Duration.ZERO, Duration.ofMinutes(1));
        KeyPair b = UserCertificates.issue(ca, "root", "b", now, Duration.ZERO, Duration.ofMinutes(1));
        assertTrue(!((OpenSshCertificate) a.getPublic()).getCertPubKey().equals(
                ((OpenSshCertificate) b.getPublic()).getCertPubKey()), "each login gets a key of its own");
    }
}

package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host certificates as {@code ssh-keygen -L} reads them: the fields an OpenSSH client decides on. */
class HostCertificatesTest {

    @Test
    void aHostCertificateNamesItsHostsAndNeverExpires(@TempDir Path dir) throws Exception {
        KeyPair ca = KeyPairs.generate();
        KeyPair host = KeyPairs.generate();
        OpenSshCertificate cert = HostCertificates.issue(ca, host.getPublic(), List.of("bastion.example", "::1"),
                "ferry bastion", Instant.parse("2026-11-26T12:00:00Z"));
        Path file = Files.writeString(dir.resolve("host-cert.pub"), PublicKeyEntry.toString(cert) + "\n");
        String listed = SshKeygen.run("-L", "-f", file.toString());
        assertTrue(listed.contains("Type: ssh-ed25519-cert-v01@openssh.com host certificate"), listed);
        assertTrue(listed.contains("Key ID: \"ferry bastion\""), listed);
        assertTrue(listed.matches("(?s).*Valid: after 2026-11-2\\dT\\d\\d:00:00\n.*"), listed);
        assertTrue(listed.matches("(?s).*Principals:\\s+bastion.example\\s+::1\\s+Critical Options.*"), listed);
        assertEquals(SshPublicKey.of(ca.getPublic(), "").fingerprint(),
                listed.replaceAll("(?s).*Signing CA: ED25519 (SHA256:\\S+).*", "$1"), listed);
        assertEquals(SshPublicKey.of(host.getPublic(), "").fingerprint(),
                listed.replaceAll("(?s).*Public key: ED25519-CERT (SHA256:\\S+).*", "$1"), listed);
    }

    @Test
    void theSameInputsGiveTheSameCertificateAndAnyChangeAnother() {
        KeyPair ca = KeyPairs.generate();
        KeyPair host = KeyPairs.generate();
        Instant t = Instant.parse("2026-11-26T12:00:00Z");
        String once = PublicKeyEntry.toString(HostCertificates.issue(ca, host.getPublic(), List.of("vps-1"), "id", t));
        assertEquals(once, PublicKeyEntry.toString(HostCertificates.issue(ca, host.getPublic(), List.of("vps-1"), "id",
                t)), "made again, it is the same: nothing needs storing, and an installer sees no change");
        for (String other : List.of(
                PublicKeyEntry.toString(HostCertificates.issue(ca, host.getPublic(), List.of("vps-2"), "id", t)),
                PublicKeyEntry.toString(HostCertificates.issue(ca, KeyPairs.generate().getPublic(), List.of("vps-1"),
                        "id", t)),
                PublicKeyEntry.toString(HostCertificates.issue(ca, host.getPublic(), List.of("vps-1"), "id",
                        t.plusSeconds(1))))) {
            assertNotEquals(once, other);
        }
    }

    @Test
    void aFingerprintTellsCertificatesOfOneKeyApartAndIgnoresTheComment() {
        KeyPair ca = KeyPairs.generate();
        KeyPair host = KeyPairs.generate();
        Instant t = Instant.parse("2026-11-26T12:00:00Z");
        String named = PublicKeyEntry.toString(HostCertificates.issue(ca, host.getPublic(), List.of("vps-1", "vps-a"),
                "id", t));
        String renamed = PublicKeyEntry.toString(HostCertificates.issue(ca, host.getPublic(), List.of("vps-1",
                "vps-b"), "id", t));
        String fingerprint = HostCertificates.fingerprint(named);
        assertTrue(fingerprint.matches("SHA256:[A-Za-z0-9+/]{43}"), fingerprint);
        assertEquals(fingerprint, HostCertificates.fingerprint(named + " a comment\n"));
        assertNotEquals(fingerprint, HostCertificates.fingerprint(renamed), "a renamed VPS's certificate is another");
        assertThrows(IllegalArgumentException.class, () -> HostCertificates.fingerprint("ssh-ed25519"));
    }

    @Test
    void aCertificateWithoutPrincipalsIsRefused() {
        // OpenSSH would take it for every host name
        KeyPair ca = KeyPairs.generate();
        assertThrows(IllegalArgumentException.class, () -> HostCertificates.issue(ca, KeyPairs.generate().getPublic(),
                List.of(), "x", Instant.now()));
    }
}

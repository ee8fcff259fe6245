package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The known_hosts form OpenSSH looks a host up by. */
class CertAuthorityLineTest {
    private static final SshPublicKey CA = SshPublicKey.of(KeyPairs.generate().getPublic(), "ferry-host-ca");

    @Test
    void port22IsTheBareNameAndAnyOtherPortIsBracketed() {
        assertEquals("bastion.example", CertAuthorityLine.hostPattern("bastion.example", 22));
        assertEquals("[bastion.example]:2222", CertAuthorityLine.hostPattern("bastion.example", 2222));
        assertEquals("[::1]:2222", CertAuthorityLine.hostPattern("::1", 2222));
    }

    @Test
    void aLineListsThePatternsThenTheCaKey() {
        assertEquals("@cert-authority [a]:2222,[::1]:2222 " + CA.toOpenSsh(),
                CertAuthorityLine.of(List.of("[a]:2222", "[::1]:2222"), CA));
        assertEquals("@cert-authority vps-* " + CA.type() + " " + CA.base64() + " ferry-host-ca",
                CertAuthorityLine.of(List.of("vps-*"), CA));
    }

    @Test
    void aPatternThatWouldSplitTheLineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CertAuthorityLine.of(List.of("a b"), CA));
        assertThrows(IllegalArgumentException.class, () -> CertAuthorityLine.of(List.of("a,b"), CA));
        assertThrows(IllegalArgumentException.class, () -> CertAuthorityLine.of(List.of(), CA));
    }
}

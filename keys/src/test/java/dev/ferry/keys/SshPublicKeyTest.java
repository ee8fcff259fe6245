package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SshPublicKeyTest {

    @TempDir
    Path dir;

    static Stream<Arguments> sshKeygenTypes() {
        return Stream.of(
                Arguments.of(KeyType.ED25519, new String[] {"-t", "ed25519"}),
                Arguments.of(KeyType.ECDSA_P256, new String[] {"-t", "ecdsa", "-b", "256"}),
                Arguments.of(KeyType.ECDSA_P384, new String[] {"-t", "ecdsa", "-b", "384"}),
                Arguments.of(KeyType.ECDSA_P521, new String[] {"-t", "ecdsa", "-b", "521"}),
                Arguments.of(KeyType.RSA, new String[] {"-t", "rsa", "-b", "2048"}),
                Arguments.of(KeyType.RSA, new String[] {"-t", "rsa", "-b", "3072"}));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sshKeygenTypes")
    void parsesSshKeygenPublicKeysWithTheFingerprintAndSizeSshKeygenReports(KeyType type, String[] args)
            throws Exception {
        Path key = SshKeygen.generate(dir, "id", "alice@laptop", args);
        Path pub = Path.of(key + ".pub");
        String line = Files.readString(pub).strip();

        SshPublicKey parsed = SshPublicKey.parse(line);

        assertEquals(type, parsed.keyType());
        assertEquals(type.sshName(), parsed.type());
        assertEquals("alice@laptop", parsed.comment());
        assertEquals(SshKeygen.fingerprint(pub), parsed.fingerprint());
        assertEquals(SshKeygen.bits(pub), parsed.bits());
        assertEquals(line, parsed.toOpenSsh());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sshKeygenTypes")
    void convertsToAJavaKeyAndBackWithoutChange(KeyType type, String[] args) throws Exception {
        Path key = SshKeygen.generate(dir, "id", "c", args);
        SshPublicKey parsed = SshPublicKey.parse(Files.readString(Path.of(key + ".pub")));

        SshPublicKey again = SshPublicKey.of(parsed.toJavaKey(), parsed.comment());

        assertEquals(parsed, again);
    }

    @Test
    void acceptsJdkEd25519KeysAsWellAsBouncyCastleOnes() throws Exception {
        KeyPair jdk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        SshPublicKey key = SshPublicKey.of(jdk.getPublic(), null);

        assertEquals(KeyType.ED25519, key.keyType());
        assertEquals("", key.comment());
        assertArrayEquals(jdk.getPublic().getEncoded(), key.toJavaKey().getEncoded());
    }

    @Test
    void keepsSpacesInsideTheCommentAndTrimsAroundIt() {
        SshPublicKey key = SshPublicKey.parse("\t" + ed25519Line() + "   deploy key  for  ci \r\n");

        assertEquals("deploy key  for  ci", key.comment());
        assertEquals(ed25519Line() + " deploy key  for  ci", key.toOpenSsh());
    }

    @Test
    void aKeyWithoutCommentHasAnEmptyCommentAndNoTrailingSpace() {
        SshPublicKey key = SshPublicKey.parse(ed25519Line());

        assertEquals("", key.comment());
        assertEquals(ed25519Line(), key.toOpenSsh());
    }

    @Test
    void skipsAuthorizedKeysOptionsIncludingQuotedSpacesAndEscapedQuotes() {
        String options = "from=\"10.0.0.1,192.168.1.0/24\",no-pty,command=\"echo \\\"a b\\\" c\",environment=\"X=1 2\"";

        SshPublicKey key = SshPublicKey.parse(options + " " + ed25519Line() + " ops team");

        assertEquals(SshPublicKey.parse(ed25519Line() + " ops team"), key);
    }

    @Test
    void skipsASingleBareOption() {
        SshPublicKey key = SshPublicKey.parse("no-pty " + ed25519Line());

        assertEquals(SshPublicKey.parse(ed25519Line()), key);
    }

    @Test
    void equalKeysCompareByBlobContentsAndComment() {
        SshPublicKey a = SshPublicKey.parse(ed25519Line() + " a");
        SshPublicKey b = SshPublicKey.parse(ed25519Line() + " a");
        SshPublicKey otherComment = SshPublicKey.parse(ed25519Line() + " b");

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, otherComment);
        assertTrue(a.sameKey(otherComment));
        assertFalse(a.sameKey(SshPublicKey.of(KeyPairs.generate().getPublic(), "a")));
    }

    @Test
    void blobCannotBeChangedFromOutside() {
        SshPublicKey key = SshPublicKey.parse(ed25519Line());
        String fingerprint = key.fingerprint();

        key.blob()[20] ^= 1;

        assertEquals(fingerprint, key.fingerprint());
    }

    @Test
    void toStringShowsFingerprintButNotTheKeyData() {
        SshPublicKey key = SshPublicKey.parse(ed25519Line() + " bob");

        assertEquals("SshPublicKey[ssh-ed25519 " + key.fingerprint() + " bob]", key.toString());
        assertFalse(key.toString().contains(key.base64()));
    }

    private static String ed25519Line() {
        return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN1BVSqZPowrPde8XDAu3Cw/oiRdMQda404kl4v1vP9Q";
    }
}

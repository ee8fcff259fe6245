package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.SshKeygen;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a public key line can be wrong gets its own message. */
class PublicKeyErrorsTest {

    private static final String ED25519_BASE64 = "AAAAC3NzaC1lZDI1NTE5AAAAIN1BVSqZPowrPde8XDAu3Cw/oiRdMQda404kl4v1vP9Q";

    @TempDir
    Path dir;

    @Test
    void namesAnUnsupportedKeyType() {
        String dss = new Wire().string("ssh-dss").mpint(BigInteger.TWO).mpint(BigInteger.TWO)
                .mpint(BigInteger.TWO).mpint(BigInteger.TWO).base64();

        assertMessage("unsupported key type 'ssh-dss'", "ssh-dss " + dss + " old key");
    }

    @Test
    void namesAnUnsupportedKeyTypeAfterOptions() {
        assertMessage("unsupported key type 'sk-ssh-ed25519@openssh.com'",
                "no-pty,from=\"a b\" sk-ssh-ed25519@openssh.com " + ED25519_BASE64);
    }

    @Test
    void saysWhatToExpectForTextThatIsNoKeyAtAll() {
        assertMessage("not an OpenSSH public key (expected \"<type> <base64> [comment]\")", "hello world, how are you");
    }

    @Test
    void saysTheKeyDataIsMissing() {
        assertMessage("key data is missing after 'ssh-ed25519' (expected \"<type> <base64> [comment]\")",
                "ssh-ed25519");
    }

    @Test
    void rejectsKeyDataThatIsNotBase64() {
        assertMessage("key data is not base64", "ssh-ed25519 AAAA!!notbase64 comment");
    }

    @Test
    void rejectsKeyDataShorterThanItsLengthFieldsSay() {
        byte[] blob = Base64.getDecoder().decode(ED25519_BASE64);
        String cut = Base64.getEncoder().encodeToString(Arrays.copyOf(blob, blob.length - 5));

        assertMessage("key data is truncated", "ssh-ed25519 " + cut);
    }

    @Test
    void rejectsAnOuterTypeThatDiffersFromTheTypeInsideTheKeyData() throws Exception {
        Path rsa = SshKeygen.generate(dir, "rsa", "x", "-t", "rsa", "-b", "2048");
        String rsaBase64 = Files.readString(Path.of(rsa + ".pub")).split(" ")[1];

        assertMessage("key type 'ssh-ed25519' does not match the key data ('ssh-rsa')", "ssh-ed25519 " + rsaBase64);
    }

    @Test
    void rejectsRsaKeysUnder2048BitsNamingTheirSize() throws Exception {
        Path rsa = SshKeygen.generate(dir, "rsa", "x", "-t", "rsa", "-b", "1024");

        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> SshPublicKey.parse(Files.readString(Path.of(rsa + ".pub"))));

        assertTrue(e.getMessage().startsWith("RSA key of 1024 bits is too small: at least 2048 bits are required"),
                e.getMessage());
    }

    @Test
    void rejectsRsaKeysUnder2048BitsFromJavaToo() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        KeyPair small = generator.generateKeyPair();

        KeyFormatException e = assertThrows(KeyFormatException.class, () -> SshPublicKey.of(small.getPublic(), ""));

        assertTrue(e.getMessage().startsWith("RSA key of 1024 bits is too small"), e.getMessage());
    }

    @Test
    void rejectsAnEd25519KeyThatIsNot32Bytes() {
        String shortKey = new Wire().string("ssh-ed25519").bytes(new byte[31]).base64();

        assertMessage("ssh-ed25519 key is 31 bytes long, expected 32", "ssh-ed25519 " + shortKey);
    }

    @Test
    void rejectsAnEcdsaCurveThatDiffersFromTheType() {
        byte[] point = new byte[97];
        point[0] = 4;
        String blob = new Wire().string("ecdsa-sha2-nistp256").string("nistp384").bytes(point).base64();

        assertMessage("key type 'ecdsa-sha2-nistp256' does not match the key's curve ('nistp384')",
                "ecdsa-sha2-nistp256 " + blob);
    }

    @Test
    void rejectsAnEcdsaPointThatIsNotOnTheCurve() {
        byte[] point = new byte[65];
        point[0] = 4;
        point[64] = 1;
        String blob = new Wire().string("ecdsa-sha2-nistp256").string("nistp256").bytes(point).base64();

        assertMessage("ecdsa-sha2-nistp256 key data is not a valid point on nistp256", "ecdsa-sha2-nistp256 " + blob);
    }

    @Test
    void rejectsTrailingBytesAfterTheKey() {
        byte[] blob = Base64.getDecoder().decode(ED25519_BASE64);
        String padded = new Wire().raw(blob).raw((byte) 0, (byte) 0, (byte) 0).base64();

        assertMessage("key data has 3 unexpected bytes after the key", "ssh-ed25519 " + padded);
    }

    @Test
    void tellsSomeoneWhoPastedAPrivateKeyToPassThePublicOne() {
        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> SshPublicKey.parse("-----BEGIN OPENSSH PRIVATE KEY-----"));

        assertTrue(e.getMessage().contains("private key"), e.getMessage());
        assertTrue(e.getMessage().contains(".pub"), e.getMessage());
    }

    @Test
    void rejectsUnterminatedQuotesInOptions() {
        assertMessage("key options have an unterminated quote: add the closing '\"'",
                "command=\"echo hi ssh-ed25519 " + ED25519_BASE64);
    }

    @Test
    void rejectsCommentsThatSpanLines() {
        byte[] blob = Base64.getDecoder().decode(ED25519_BASE64);

        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> new SshPublicKey("ssh-ed25519", blob, "two\nlines"));

        assertEquals("key comment must fit on one line", e.getMessage());
    }

    private static void assertMessage(String expected, String line) {
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> SshPublicKey.parse(line));
        assertEquals(expected, e.getMessage());
    }
}

package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorizedKeysTest {

    @TempDir
    Path dir;

    private final SshPublicKey alice = SshPublicKey.of(KeyPairs.generate(KeyType.ED25519).getPublic(), "alice");
    private final SshPublicKey bob = SshPublicKey.of(KeyPairs.generate(KeyType.ECDSA_P256).getPublic(), "bob at home");

    @Test
    void readsKeysInOrderSkippingBlankLinesCommentsAndOptions() {
        String text = String.join("\n",
                "# team keys",
                "",
                "   ",
                "from=\"10.0.0.1\",no-pty,command=\"echo \\\"a b\\\"\" " + alice.toOpenSsh(),
                "  # bob's key below",
                bob.toOpenSsh(),
                "");

        assertEquals(List.of(alice, bob), AuthorizedKeys.parse(text));
    }

    @Test
    void acceptsWindowsLineEnds() {
        assertEquals(List.of(alice, bob), AuthorizedKeys.parse(alice.toOpenSsh() + "\r\n" + bob.toOpenSsh() + "\r\n"));
    }

    @Test
    void anEmptyFileHasNoKeys() {
        assertEquals(List.of(), AuthorizedKeys.parse("# nobody yet\n\n"));
    }

    @Test
    void prefixesErrorsWithTheOneBasedLineNumber() {
        String text = alice.toOpenSsh() + "\n# comment\nssh-dss AAAAB3NzaC1kc3MAAACBAP old\n";

        KeyFormatException e = assertThrows(KeyFormatException.class, () -> AuthorizedKeys.parse(text));

        assertEquals("line 3: unsupported key type 'ssh-dss'", e.getMessage());
    }

    @Test
    void reportsEachKindOfBadLineWithItsNumber() {
        assertLineError("line 2: key data is not base64", "\nssh-ed25519 !!!");
        assertLineError("line 1: not an OpenSSH public key (expected \"<type> <base64> [comment]\")", "garbage");
        assertLineError("line 2: key data is truncated", "# x\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN1B");
    }

    @Test
    void pointsAtThePrivateKeyLineWhenOneIsPasted() {
        KeyFormatException e = assertThrows(KeyFormatException.class,
                () -> AuthorizedKeys.parse(bob.toOpenSsh() + "\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n"));

        assertTrue(e.getMessage().startsWith("line 2: this is a private key"), e.getMessage());
    }

    @Test
    void readsAFile() throws Exception {
        Path file = dir.resolve("authorized_keys");
        Files.writeString(file, alice.toOpenSsh() + "\n" + bob.toOpenSsh() + "\n");

        assertEquals(List.of(alice, bob), AuthorizedKeys.read(file));
    }

    @Test
    void namesTheFileAndLineOfABadLine() throws Exception {
        Path file = dir.resolve("authorized_keys");
        Files.writeString(file, alice.toOpenSsh() + "\nssh-dss AAAAB3NzaC1kc3MAAACBAP\n");

        KeyFormatException e = assertThrows(KeyFormatException.class, () -> AuthorizedKeys.read(file));

        assertEquals(file + ": line 2: unsupported key type 'ssh-dss'", e.getMessage());
    }

    @Test
    void namesTheFileWhenItCannotBeRead() {
        Path missing = dir.resolve("nope");

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AuthorizedKeys.read(missing));

        assertEquals("cannot read authorized keys file '" + missing + "': no such file or directory", e.getMessage());
    }

    private static void assertLineError(String expected, String text) {
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> AuthorizedKeys.parse(text));
        assertEquals(expected, e.getMessage());
    }
}

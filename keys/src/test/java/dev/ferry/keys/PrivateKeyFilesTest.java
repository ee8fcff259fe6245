package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.SshKeygen;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrivateKeyFilesTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void sshKeygenDerivesTheSamePublicKeyFromAWrittenFile(KeyType type) throws Exception {
        KeyPair pair = KeyPairs.generate(type);
        Path file = dir.resolve("id");

        PrivateKeyFiles.write(file, pair, "ferry@bastion");

        SshPublicKey derived = SshPublicKey.parse(SshKeygen.publicKeyOf(file));
        assertTrue(derived.sameKey(SshPublicKey.of(pair.getPublic(), "")), derived.toString());
        assertEquals("ferry@bastion", derived.comment());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void readsBackWhatItWrote(KeyType type) throws Exception {
        KeyPair pair = KeyPairs.generate(type);
        Path file = dir.resolve("id");
        PrivateKeyFiles.write(file, pair, "");

        KeyPair read = PrivateKeyFiles.read(file);

        assertTrue(SshPublicKey.of(read.getPublic(), "").sameKey(SshPublicKey.of(pair.getPublic(), "")));
        assertTrue(Signatures.verifies(read.getPrivate(), pair.getPublic()));
    }

    static Stream<Arguments> sshKeygenTypes() {
        return Stream.of(
                Arguments.of((Object) new String[] {"-t", "ed25519"}),
                Arguments.of((Object) new String[] {"-t", "ecdsa", "-b", "256"}),
                Arguments.of((Object) new String[] {"-t", "ecdsa", "-b", "384"}),
                Arguments.of((Object) new String[] {"-t", "ecdsa", "-b", "521"}),
                Arguments.of((Object) new String[] {"-t", "rsa", "-b", "3072"}),
                Arguments.of((Object) new String[] {"-t", "rsa", "-b", "2048", "-m", "PEM"}));
    }

    @ParameterizedTest
    @MethodSource("sshKeygenTypes")
    void readsPrivateKeysMadeBySshKeygen(String[] args) throws Exception {
        Path file = SshKeygen.generate(dir, "id", "made-by-ssh-keygen", args);
        SshPublicKey expected = SshPublicKey.parse(Files.readString(Path.of(file + ".pub")));

        KeyPair read = PrivateKeyFiles.read(file);

        assertTrue(SshPublicKey.of(read.getPublic(), "").sameKey(expected));
        assertTrue(Signatures.verifies(read.getPrivate(), expected.toJavaKey()));
    }

    @Test
    void writesTheKeyWithMode0600AndNothingElse() throws Exception {
        Path file = dir.resolve("id_ed25519");

        PrivateKeyFiles.write(file, KeyPairs.generate(), "x");

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void createsMissingParentDirectoriesWithMode0700() throws Exception {
        Path file = dir.resolve("state/keys/host_key");

        PrivateKeyFiles.write(file, KeyPairs.generate(), "");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void replacesAnExistingFileAndTightensItsMode() throws Exception {
        Path file = dir.resolve("id");
        Files.writeString(file, "old");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        KeyPair pair = KeyPairs.generate();

        PrivateKeyFiles.write(file, pair, "");

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(SshPublicKey.of(PrivateKeyFiles.read(file).getPublic(), "")
                .sameKey(SshPublicKey.of(pair.getPublic(), "")));
    }

    @Test
    void refusesToReadAKeyOthersCanRead() throws Exception {
        Path file = dir.resolve("id");
        PrivateKeyFiles.write(file, KeyPairs.generate(), "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        KeyFormatException e = assertThrows(KeyFormatException.class, () -> PrivateKeyFiles.read(file));

        assertEquals("Permissions 0644 for '" + file + "' are too open: a private key must not be accessible "
                + "by others (chmod 600 " + file + ")", e.getMessage());
    }

    @Test
    void refusesToReadAKeyItsGroupCanOnlyExecute() throws Exception {
        Path file = dir.resolve("id");
        PrivateKeyFiles.write(file, KeyPairs.generate(), "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw---x---"));

        KeyFormatException e = assertThrows(KeyFormatException.class, () -> PrivateKeyFiles.read(file));

        assertTrue(e.getMessage().startsWith("Permissions 0610 for"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa"})
    void refusesPassphraseProtectedKeysSayingSo(String type) {
        Path file = dir.resolve("locked");
        // The RSA one in the old PEM format, whose encryption is marked differently from OpenSSH's own format.
        String format = type.equals("rsa") ? "PEM" : "RFC4716";
        SshKeygen.run("-q", "-t", type, "-m", format, "-N", "correct horse", "-C", "", "-f", file.toString());

        KeyFormatException e = assertThrows(KeyFormatException.class, () -> PrivateKeyFiles.read(file));

        assertTrue(e.getMessage().startsWith("'" + file + "' is protected by a passphrase, and passphrase-protected "
                + "keys are not supported here"), e.getMessage());
    }

    @Test
    void tellsSomeoneWhoPassedThePublicKeyToPassThePrivateOne() throws Exception {
        Path file = dir.resolve("id.pub");
        PrivateKeyFiles.writePublic(file, SshPublicKey.of(KeyPairs.generate().getPublic(), "c"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        KeyFormatException e = assertThrows(KeyFormatException.class, () -> PrivateKeyFiles.read(file));

        assertEquals("'" + file + "' is not a private key: it holds a public key: pass the private key file "
                + "(the one without .pub)", e.getMessage());
    }

    @Test
    void namesAMissingFile() {
        Path missing = dir.resolve("missing");

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> PrivateKeyFiles.read(missing));

        assertEquals("cannot read private key '" + missing + "': no such file or directory", e.getMessage());
    }

    @Test
    void writesAPublicKeyLineWithMode0644ThatSshKeygenReads() throws Exception {
        Path file = dir.resolve("id.pub");
        SshPublicKey key = SshPublicKey.of(KeyPairs.generate(KeyType.ECDSA_P384).getPublic(), "ops key");

        PrivateKeyFiles.writePublic(file, key);

        assertEquals(key.toOpenSsh() + "\n", Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(key.fingerprint(), SshKeygen.fingerprint(file));
    }

    @Test
    void leavesNoTemporaryFileBehindWhenTheTargetIsADirectory() throws Exception {
        Path target = dir.resolve("taken");
        Files.createDirectories(target.resolve("inside"));

        assertThrows(UncheckedIOException.class, () -> PrivateKeyFiles.write(target, KeyPairs.generate(), ""));

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
        assertFalse(Files.isRegularFile(target));
    }
}

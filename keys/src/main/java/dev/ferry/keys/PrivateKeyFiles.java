package dev.ferry.keys;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Reads and writes private keys in the files OpenSSH uses, with the file permissions OpenSSH insists on.
 * Only unencrypted keys are handled: Ferry's keys are machine keys that no one is there to unlock.
 */
public final class PrivateKeyFiles {

    private static final String OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private static final String OPENSSH_END = "-----END OPENSSH PRIVATE KEY-----";
    private static final byte[] OPENSSH_MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);

    private PrivateKeyFiles() {
    }

    /**
     * Writes an unencrypted OpenSSH private key ({@code openssh-key-v1}) that {@code ssh} and
     * {@code ssh-keygen} accept. The file has mode 0600 from the moment it exists and replaces any existing
     * file atomically; missing parent directories are created with mode 0700. No {@code .pub} file is written
     * (see {@link #writePublic}).
     *
     * @param comment stored inside the key, as ssh-keygen's {@code -C}; null means none
     * @throws KeyFormatException when the key type is not supported
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static void write(Path file, KeyPair pair, String comment) {
        KeyPair usable = KeyBlobs.minaCompatible(Objects.requireNonNull(pair, "pair"));
        SshPublicKey.of(usable.getPublic(), comment); // refuses unsupported and too-small keys before writing
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(usable, comment == null ? "" : comment, null, out);
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyFormatException("cannot encode the private key for '" + file + "': " + e.getMessage(), e);
        }
        write(file, out.toByteArray(), KeyFiles.OWNER_ONLY, "private key");
    }

    /**
     * Writes {@code key} as a one-line {@code .pub} file with mode 0644, replacing any existing file atomically.
     *
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static void writePublic(Path file, SshPublicKey key) {
        byte[] line = (key.toOpenSsh() + "\n").getBytes(StandardCharsets.UTF_8);
        write(file, line, KeyFiles.WORLD_READABLE, "public key");
    }

    /**
     * Reads an unencrypted private key: OpenSSH format as written by ssh-keygen or {@link #write}, or the
     * older PEM formats.
     *
     * @throws KeyFormatException when the file grants any access to group or others (as OpenSSH refuses it),
     *         is passphrase-protected, is not a private key, or holds a key type Ferry does not support
     * @throws UncheckedIOException naming the file when it cannot be read
     */
    public static KeyPair read(Path file) {
        String text;
        try {
            KeyFiles.requireOwnerOnly(file);
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read private key '" + file + "': " + KeyFiles.describe(e), e);
        }
        if (isEncrypted(text)) {
            throw new KeyFormatException("'" + file + "' is protected by a passphrase, and passphrase-protected keys "
                    + "are not supported here: use a key without one (ssh-keygen -p -N '' -f " + file + ")");
        }
        if (!text.contains("-----BEGIN") || !text.contains("PRIVATE KEY")) {
            String hint = text.startsWith("ssh-") || text.startsWith("ecdsa-")
                    ? "it holds a public key: pass the private key file (the one without .pub)"
                    : "expected a file starting with " + OPENSSH_BEGIN;
            throw new KeyFormatException("'" + file + "' is not a private key: " + hint);
        }
        KeyPair pair = load(file, text);
        SshPublicKey.of(pair.getPublic(), ""); // same type and size rules as for public keys
        return pair;
    }

    private static KeyPair load(Path file, String text) {
        List<KeyPair> pairs = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1))) {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(
                    null, NamedResource.ofName(file.toString()), in, null);
            if (loaded != null) {
                loaded.forEach(pairs::add);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new KeyFormatException("cannot parse private key '" + file + "': " + e.getMessage(), e);
        }
        if (pairs.size() != 1) {
            throw new KeyFormatException("'" + file + "' holds " + pairs.size() + " keys; expected exactly one");
        }
        return pairs.get(0);
    }

    /** Looks at the key's header, so the user hears "passphrase" rather than a decoder's complaint. */
    private static boolean isEncrypted(String text) {
        if (text.contains("Proc-Type: 4,ENCRYPTED") || text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return true;
        }
        int begin = text.indexOf(OPENSSH_BEGIN);
        int end = text.indexOf(OPENSSH_END);
        if (begin < 0 || end < begin) {
            return false;
        }
        try {
            byte[] body = Base64.getMimeDecoder().decode(text.substring(begin + OPENSSH_BEGIN.length(), end));
            if (body.length < OPENSSH_MAGIC.length
                    || !Arrays.equals(body, 0, OPENSSH_MAGIC.length, OPENSSH_MAGIC, 0, OPENSSH_MAGIC.length)) {
                return false;
            }
            String cipher = new WireReader(body, OPENSSH_MAGIC.length).readName();
            return !cipher.equals("none");
        } catch (IllegalArgumentException e) {
            return false; // malformed: let the real parser report it
        }
    }

    private static void write(Path file, byte[] content, Set<PosixFilePermission> permissions, String kind) {
        try {
            KeyFiles.writeAtomically(file, content, permissions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + kind + " '" + file + "': " + KeyFiles.describe(e), e);
        }
    }
}

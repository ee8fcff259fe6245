package dev.ferry.keys;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An SSH public key of a type Ferry supports (see {@link KeyType}), held as its SSH wire-format blob.
 * Instances are always valid: the constructor checks that the blob holds exactly one key of {@code type}.
 *
 * @param type the SSH key type name, e.g. {@code ssh-ed25519}
 * @param blob the SSH wire-format key blob: what an OpenSSH public key line holds in base64
 * @param comment free text after the key, never null ({@code ""} when there is none)
 */
public record SshPublicKey(String type, byte[] blob, String comment) {

    /**
     * @throws KeyFormatException when the type is unsupported, the blob does not hold exactly one valid key
     *         of that type, or the comment spans more than one line
     */
    public SshPublicKey {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(blob, "blob");
        comment = comment == null ? "" : comment;
        if (comment.indexOf('\n') >= 0 || comment.indexOf('\r') >= 0) {
            throw new KeyFormatException("key comment must fit on one line");
        }
        blob = blob.clone();
        KeyBlobs.validate(KeyType.fromSshName(type), blob);
    }

    /**
     * Parses one OpenSSH public key line, as found in a {@code .pub} file or an authorized_keys file.
     * A leading options field ({@code from="10.0.0.1",no-pty ...}) is accepted and ignored: callers that
     * must honour options have to read them themselves.
     *
     * @param line {@code [options] <type> <base64> [comment]}
     * @return the key, with the comment as written (internal spaces kept, outer spaces trimmed)
     * @throws KeyFormatException with a sentence describing what is wrong with the line
     */
    public static SshPublicKey parse(String line) {
        PublicKeyLine parts = PublicKeyLine.split(Objects.requireNonNull(line, "line"));
        KeyType.fromSshName(parts.type()); // an unsupported type is the better message than whatever follows
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts.base64());
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("key data is not base64", e);
        }
        return new SshPublicKey(parts.type(), blob, parts.comment());
    }

    /**
     * @param key an Ed25519 (Bouncy Castle or JDK), ECDSA (NIST P-256/384/521) or RSA public key
     * @param comment free text to keep with the key; null means none
     * @throws KeyFormatException when the key's algorithm is not supported or an RSA key is too small
     */
    public static SshPublicKey of(PublicKey key, String comment) {
        return KeyBlobs.encode(Objects.requireNonNull(key, "key"), comment);
    }

    /** @return a copy of the SSH wire-format key blob */
    @Override
    public byte[] blob() {
        return blob.clone();
    }

    /** @return the parsed type */
    public KeyType keyType() {
        return KeyType.fromSshName(type);
    }

    /** @return the blob in standard base64, as in an OpenSSH public key line */
    public String base64() {
        return Base64.getEncoder().encodeToString(blob);
    }

    /** @return {@code SHA256:...}, exactly the fingerprint {@code ssh-keygen -lf} prints for this key */
    public String fingerprint() {
        return Fingerprints.sha256(blob);
    }

    /** @return the OpenSSH public key line {@code type base64[ comment]}, without a line break */
    public String toOpenSsh() {
        String line = type + " " + base64();
        return comment.isEmpty() ? line : line + " " + comment;
    }

    /** @return the key as a Java key, usable with MINA and Bouncy Castle */
    public PublicKey toJavaKey() {
        return KeyBlobs.decode(keyType(), blob);
    }

    /** @return the key size as {@code ssh-keygen -l} shows it: 256 for Ed25519, the curve or modulus size otherwise */
    public int bits() {
        return KeyBlobs.bits(keyType(), blob);
    }

    /**
     * @return whether {@code other} is the same key, whatever its comment; use this (not {@code equals})
     *         to decide whether an offered key is an authorized one
     */
    public boolean sameKey(SshPublicKey other) {
        return other != null && type.equals(other.type) && Arrays.equals(blob, other.blob);
    }

    /** Equal when type, blob contents and comment are all equal; see {@link #sameKey} to ignore the comment. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SshPublicKey other && sameKey(other) && comment.equals(other.comment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(blob), comment);
    }

    /** @return type, fingerprint and comment; the key data itself is left out to keep logs short */
    @Override
    public String toString() {
        return "SshPublicKey[" + type + " " + fingerprint() + (comment.isEmpty() ? "" : " " + comment) + "]";
    }
}

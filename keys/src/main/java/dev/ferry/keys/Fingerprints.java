package dev.ferry.keys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Key fingerprints in the form OpenSSH prints them, so users can compare them with {@code ssh-keygen -lf}. */
public final class Fingerprints {

    private Fingerprints() {
    }

    /**
     * @param blob an SSH wire-format public key blob
     * @return {@code SHA256:} followed by the unpadded base64 of the blob's SHA-256, as {@code ssh-keygen -lf} prints
     */
    public static String sha256(byte[] blob) {
        return "SHA256:" + sha256Base64(blob);
    }

    /** The unpadded base64 of the SHA-256 of {@code bytes}, as OpenSSH writes it after {@code SHA256:}. */
    public static String sha256Base64(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256, so this cannot happen on a working JVM.
            throw new IllegalStateException("this JVM has no SHA-256 implementation", e);
        }
    }
}

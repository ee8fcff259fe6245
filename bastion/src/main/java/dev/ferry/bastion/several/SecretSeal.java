package dev.ferry.bastion.several;

import dev.ferry.keys.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what the Hosts share through the registry with AES-256-GCM under the key of {@code registry_key_file}
 * (32 random bytes, base64; the same file on every Host, readable by its owner only). Each sealed value is bound
 * to its name, so one cannot be passed off as another; a wrong key or a changed value is refused, never used.
 */
public final class SecretSeal {
    private static final String FORMAT = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretSeal(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /**
     * The key in {@code file}.
     *
     * @throws IllegalArgumentException a sentence naming {@code registry_key_file} and how to make one
     */
    public static SecretSeal fromFile(Path file) {
        String how = "make one with: head -c 32 /dev/urandom | base64 > " + file + " && chmod 600 " + file
                + ", and copy that file to every Host";
        String text;
        try {
            String why = SecretFiles.tooOpen(file, "registry_key_file");
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("registry_key_file " + file + " does not exist: " + how);
        } catch (IOException e) {
            throw new IllegalArgumentException("registry_key_file: cannot read " + file + ": " + e.getMessage());
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("registry_key_file " + file + " is not base64: " + how);
        }
        if (key.length != 32) {
            throw new IllegalArgumentException("registry_key_file " + file + " holds " + key.length + " bytes, not 32: "
                    + how);
        }
        return new SecretSeal(key);
    }

    /** For tests: a seal over these 32 bytes. */
    static SecretSeal of(byte[] key) {
        return new SecretSeal(Arrays.copyOf(key, key.length));
    }

    /** {@code v1:} and the base64 of a random nonce and the AES-GCM ciphertext of {@code value}, bound to name. */
    public String seal(String name, byte[] value) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(value);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return FORMAT + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this Java runtime", e);
        }
    }

    /**
     * @throws IllegalStateException when it was sealed under another key or for another name, or changed since
     */
    public byte[] open(String name, String sealed) {
        if (!sealed.startsWith(FORMAT)) {
            throw new IllegalStateException("the registry's " + name + " is not in a format this Ferry reads");
        }
        byte[] in = Base64.getDecoder().decode(sealed.substring(FORMAT.length()));
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(name.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException("the registry's " + name + " does not open with this Host's "
                    + "registry_key_file: every Host needs the same key file (copy it from the first Host)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this Java runtime", e);
        }
    }
}

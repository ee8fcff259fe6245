package dev.ferry.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Runner credentials, as both sides know them: the runner makes its credential (256 random bits) and keeps it;
 * the Host learns and keeps only its SHA-256, given at enrollment, and compares the digest of each call's bearer
 * token with it. A plain digest suffices for a random secret of this size.
 */
public final class Credentials {
    private static final String PREFIX = "ferry-runner.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {
    }

    /** A new credential: {@code ferry-runner.} and 32 random bytes in URL-safe base64. */
    public static String create() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Whether a bearer token has a credential's form (others are not even looked up). */
    public static boolean looksLikeOne(String token) {
        return token.startsWith(PREFIX);
    }

    /** The SHA-256 of a secret, 64 lower-case hex digits. */
    public static String digest(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Whether {@code s} is a digest as {@link #digest} writes it. */
    public static boolean isDigest(String s) {
        return s != null && s.matches("[0-9a-f]{64}");
    }
}

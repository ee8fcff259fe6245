package dev.ferry.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.bouncycastle.asn1.nist.NISTNamedCurves;

/**
 * Checks SSH public key blobs field by field, and converts between blobs and Java keys.
 * The checks are our own rather than MINA's so that every problem gets a message a user can act on.
 */
final class KeyBlobs {

    /** OpenSSH itself refuses RSA keys under 1024 bits; a bastion should not accept what is breakable today. */
    static final int MIN_RSA_BITS = 2048;

    private static final int ED25519_KEY_BYTES = 32;

    private KeyBlobs() {
    }

    /**
     * Checks that {@code blob} holds exactly one well-formed key of {@code type}.
     *
     * @throws KeyFormatException saying what is wrong with the blob
     */
    static void validate(KeyType type, byte[] blob) {
        WireReader reader = new WireReader(blob);
        String inner = reader.readName();
        if (!inner.equals(type.sshName())) {
            throw new KeyFormatException(
                    "key type '" + type.sshName() + "' does not match the key data ('" + inner + "')");
        }
        switch (type) {
            case ED25519 -> {
                int length = reader.readBytes().length;
                if (length != ED25519_KEY_BYTES) {
                    throw new KeyFormatException("ssh-ed25519 key is " + length + " bytes long, expected 32");
                }
            }
            case ECDSA_P256, ECDSA_P384, ECDSA_P521 -> validateEcdsa(type, reader);
            case RSA -> validateRsa(reader);
        }
        reader.requireEnd();
    }

    /** @return the key size as {@code ssh-keygen -l} shows it; the blob must already be valid */
    static int bits(KeyType type, byte[] blob) {
        return switch (type) {
            case ED25519, ECDSA_P256 -> 256;
            case ECDSA_P384 -> 384;
            case ECDSA_P521 -> 521;
            case RSA -> {
                WireReader reader = new WireReader(blob);
                reader.readName();
                reader.readMpint();
                yield reader.readMpint().bitLength();
            }
        };
    }

    /** @return the key in SSH wire format, encoded by MINA and then checked like a parsed key */
    static SshPublicKey encode(PublicKey key, String comment) {
        PublicKey usable = minaCompatible(key);
        String type = KeyUtils.getKeyType(usable);
        if (type == null) {
            throw new KeyFormatException("unsupported key algorithm '" + key.getAlgorithm() + "'");
        }
        ByteArrayBuffer buffer = new ByteArrayBuffer();
        try {
            buffer.putRawPublicKey(usable);
        } catch (RuntimeException e) {
            throw new KeyFormatException("cannot encode " + type + " key: " + e.getMessage(), e);
        }
        return new SshPublicKey(type, buffer.getCompactData(), comment);
    }

    /** @return the Java key for a blob already checked by {@link #validate} */
    static PublicKey decode(KeyType type, byte[] blob) {
        try {
            return new ByteArrayBuffer(blob).getRawPublicKey();
        } catch (Exception e) {
            throw new KeyFormatException("cannot decode " + type.sshName() + " key: " + e.getMessage(), e);
        }
    }

    /**
     * MINA handles Ed25519 only as Bouncy Castle key objects; the JDK's own Ed25519 keys (from
     * {@code KeyPairGenerator.getInstance("Ed25519")}) are re-created through their standard encodings.
     */
    static KeyPair minaCompatible(KeyPair pair) {
        if (!needsConversion(pair.getPublic())) {
            return pair;
        }
        try {
            var factory = SecurityUtils.getKeyFactory(SecurityUtils.EDDSA);
            return new KeyPair(
                    factory.generatePublic(new X509EncodedKeySpec(pair.getPublic().getEncoded())),
                    factory.generatePrivate(new PKCS8EncodedKeySpec(pair.getPrivate().getEncoded())));
        } catch (GeneralSecurityException e) {
            throw new KeyFormatException("cannot convert Ed25519 key pair: " + e.getMessage(), e);
        }
    }

    private static PublicKey minaCompatible(PublicKey key) {
        if (!needsConversion(key)) {
            return key;
        }
        try {
            return SecurityUtils.getKeyFactory(SecurityUtils.EDDSA)
                    .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new KeyFormatException("cannot convert Ed25519 key: " + e.getMessage(), e);
        }
    }

    private static boolean needsConversion(PublicKey key) {
        boolean edwards = key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA");
        return edwards && !SecurityUtils.getEDDSAPublicKeyType().isInstance(key);
    }

    private static void validateEcdsa(KeyType type, WireReader reader) {
        String curve = reader.readName();
        if (!curve.equals(type.curveName())) {
            throw new KeyFormatException(
                    "key type '" + type.sshName() + "' does not match the key's curve ('" + curve + "')");
        }
        byte[] point = reader.readBytes();
        // SSH uses uncompressed points only (RFC 5656 section 3.1); Bouncy Castle also checks the point is on the curve.
        try {
            if (point.length == 0 || point[0] != 0x04) {
                throw new IllegalArgumentException("not an uncompressed point");
            }
            String nistName = "P-" + type.curveName().substring("nistp".length());
            NISTNamedCurves.getByName(nistName).getCurve().decodePoint(point);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException(type.sshName() + " key data is not a valid point on " + curve, e);
        }
    }

    private static void validateRsa(WireReader reader) {
        BigInteger exponent = reader.readMpint();
        BigInteger modulus = reader.readMpint();
        if (exponent.signum() <= 0 || modulus.signum() <= 0) {
            throw new KeyFormatException("ssh-rsa key data has a negative or zero exponent or modulus");
        }
        if (modulus.bitLength() < MIN_RSA_BITS) {
            throw new KeyFormatException("RSA key of " + modulus.bitLength() + " bits is too small: at least "
                    + MIN_RSA_BITS + " bits are required (generate a new key with ssh-keygen -t ed25519)");
        }
    }
}

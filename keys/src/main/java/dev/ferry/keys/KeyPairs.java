package dev.ferry.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.security.SecurityUtils;

/** Generates key pairs that MINA SSHD and {@link PrivateKeyFiles} can use directly. */
public final class KeyPairs {

    /** RSA size when RSA is asked for; 3072 bits is what ssh-keygen picks by default. */
    public static final int RSA_BITS = 3072;

    private KeyPairs() {
    }

    /** @return a new Ed25519 key pair, the type to use unless something requires another */
    public static KeyPair generate() {
        return generate(KeyType.ED25519);
    }

    /**
     * @param type the key type; RSA keys get {@value #RSA_BITS} bits
     * @return a new key pair from a secure random source
     */
    public static KeyPair generate(KeyType type) {
        try {
            // SecurityUtils picks Bouncy Castle where MINA needs it (Ed25519), so the keys work with MINA as-is.
            KeyPairGenerator generator = SecurityUtils.getKeyPairGenerator(algorithm(type));
            generator.initialize(parameters(type));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + type.sshName() + " key pair: " + e.getMessage(), e);
        }
    }

    private static String algorithm(KeyType type) {
        return switch (type) {
            case ED25519 -> SecurityUtils.EDDSA;
            case ECDSA_P256, ECDSA_P384, ECDSA_P521 -> KeyUtils.EC_ALGORITHM;
            case RSA -> KeyUtils.RSA_ALGORITHM;
        };
    }

    private static AlgorithmParameterSpec parameters(KeyType type) {
        return switch (type) {
            case ED25519 -> new NamedParameterSpec("Ed25519");
            case ECDSA_P256 -> new ECGenParameterSpec("secp256r1");
            case ECDSA_P384 -> new ECGenParameterSpec("secp384r1");
            case ECDSA_P521 -> new ECGenParameterSpec("secp521r1");
            case RSA -> new RSAKeyGenParameterSpec(RSA_BITS, RSAKeyGenParameterSpec.F4);
        };
    }
}

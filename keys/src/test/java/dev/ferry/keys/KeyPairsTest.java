package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyPairsTest {

    private static final Map<KeyType, Integer> EXPECTED_BITS = Map.of(
            KeyType.ED25519, 256, KeyType.ECDSA_P256, 256, KeyType.ECDSA_P384, 384,
            KeyType.ECDSA_P521, 521, KeyType.RSA, 3072);

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void generatesAKeyOfTheRequestedTypeAndSize(KeyType type) {
        SshPublicKey key = SshPublicKey.of(KeyPairs.generate(type).getPublic(), "");

        assertEquals(type, key.keyType());
        assertEquals(EXPECTED_BITS.get(type), key.bits());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void generatedPrivateKeySignsWhatThePublicKeyVerifies(KeyType type) throws Exception {
        KeyPair pair = KeyPairs.generate(type);

        assertTrue(Signatures.verifies(pair.getPrivate(), pair.getPublic()));
    }

    @Test
    void defaultsToEd25519() {
        assertEquals(KeyType.ED25519, SshPublicKey.of(KeyPairs.generate().getPublic(), "").keyType());
    }

    @Test
    void neverGeneratesTheSameKeyTwice() {
        SshPublicKey first = SshPublicKey.of(KeyPairs.generate().getPublic(), "");
        SshPublicKey second = SshPublicKey.of(KeyPairs.generate().getPublic(), "");

        assertFalse(first.sameKey(second));
    }
}

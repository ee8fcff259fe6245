package dev.ferry.bastion;

import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.KeyType;
import dev.ferry.keys.SshPublicKey;

/** Fresh public keys for tests. */
public final class TestKeys {
    private TestKeys() {
    }

    public static SshPublicKey ed25519(String comment) {
        return SshPublicKey.of(KeyPairs.generate().getPublic(), comment);
    }

    public static SshPublicKey ecdsa(String comment) {
        return SshPublicKey.of(KeyPairs.generate(KeyType.ECDSA_P256).getPublic(), comment);
    }
}

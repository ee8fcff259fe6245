package dev.ferry.bastion.people;

import dev.ferry.keys.SshPublicKey;
import java.time.Instant;

/** An SSH public key of a person's own, with when it was added. */
public record PersonKey(String person, SshPublicKey key, Instant addedAt) {
    public String fingerprint() {
        return key.fingerprint();
    }
}

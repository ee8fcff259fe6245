package dev.ferry.bastion.vps;

import dev.ferry.keys.SshPublicKey;
import java.time.Instant;

/** A public key stored for a VPS, with when it was added. */
public record VpsKey(long vpsId, SshPublicKey key, Instant addedAt) {
    public String fingerprint() {
        return key.fingerprint();
    }
}

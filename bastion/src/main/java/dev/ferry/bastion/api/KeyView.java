package dev.ferry.bastion.api;

import dev.ferry.bastion.vps.VpsKey;

/** A stored public key in the control API's JSON; {@code publicKey} is the OpenSSH line. */
public record KeyView(String type, String fingerprint, String comment, String publicKey, String addedAt) {

    public static KeyView of(VpsKey k) {
        return new KeyView(k.key().type(), k.fingerprint(), k.key().comment(), k.key().toOpenSsh(),
                k.addedAt().toString());
    }
}

package dev.ferry.bastion.vps;

import dev.ferry.bastion.FerryException;
import dev.ferry.keys.SshPublicKey;
import java.util.List;
import java.util.Objects;

/** What it takes to register a VPS whose sshd Ferry does not run (an external endpoint). */
public record NewVps(String name, Endpoint endpoint, List<SshPublicKey> keys) {
    public NewVps {
        Objects.requireNonNull(endpoint, "endpoint");
        name = name == null ? null : VpsRef.validName(name);
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw FerryException.invalid("a VPS needs at least one SSH public key: nobody could log in");
        }
        if (keys.stream().map(SshPublicKey::fingerprint).distinct().count() != keys.size()) {
            throw FerryException.invalid("the same key is given twice");
        }
    }
}

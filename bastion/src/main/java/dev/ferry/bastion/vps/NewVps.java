package dev.ferry.bastion.vps;

import dev.ferry.bastion.FerryException;
import dev.ferry.keys.SshPublicKey;
import java.util.List;

/**
 * What it takes to register a VPS: either an external endpoint (an sshd Ferry does not run) or a
 * placement on a runner, never both.
 */
public record NewVps(String name, Endpoint endpoint, List<SshPublicKey> keys, Placement placement) {
    public NewVps {
        if ((endpoint == null) == (placement == null)) {
            throw FerryException.invalid("a VPS has either an endpoint (external sshd) or an image (on a runner)");
        }
        name = name == null ? null : VpsRef.validName(name);
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw FerryException.invalid("a VPS needs at least one SSH public key: nobody could log in");
        }
        if (keys.stream().map(SshPublicKey::fingerprint).distinct().count() != keys.size()) {
            throw FerryException.invalid("the same key is given twice");
        }
    }

    /** An external VPS. */
    public NewVps(String name, Endpoint endpoint, List<SshPublicKey> keys) {
        this(name, endpoint, keys, null);
    }
}

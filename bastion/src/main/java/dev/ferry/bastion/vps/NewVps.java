package dev.ferry.bastion.vps;

import dev.ferry.bastion.FerryException;
import dev.ferry.keys.HostKeyLine;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import java.util.List;

/**
 * What it takes to register a VPS: either an external endpoint (an sshd Ferry does not run) or a
 * placement on a runner, never both.
 *
 * @param hostKey an external VPS's sshd host public key when the admin gave it ({@code type base64}, as
 *                {@link HostKeyLine#normalize} writes it), else null; a runner reports its VPS's key itself
 * @param owner   the person who creates it, who then owns it, or null (the admin token)
 */
public record NewVps(String name, Endpoint endpoint, List<SshPublicKey> keys, Placement placement, String hostKey,
                     String owner) {
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
        if (hostKey != null && placement != null) {
            throw FerryException.invalid("the host key of a VPS on a runner is reported by its runner");
        }
        try {
            hostKey = hostKey == null ? null : HostKeyLine.normalize(hostKey);
        } catch (KeyFormatException e) {
            throw FerryException.invalid("host key: " + e.getMessage());
        }
    }

    /** One nobody owns (made with the admin token). */
    public NewVps(String name, Endpoint endpoint, List<SshPublicKey> keys, Placement placement, String hostKey) {
        this(name, endpoint, keys, placement, hostKey, null);
    }

    /** The same VPS, owned by {@code person} from its creation on (null: nobody). */
    public NewVps ownedBy(String person) {
        return new NewVps(name, endpoint, keys, placement, hostKey, person);
    }

    /** An external VPS whose host key is not known yet. */
    public NewVps(String name, Endpoint endpoint, List<SshPublicKey> keys) {
        this(name, endpoint, keys, null, null);
    }

    /** An external VPS (with {@code endpoint}) whose host key is not known yet, or a VPS on a runner. */
    public NewVps(String name, Endpoint endpoint, List<SshPublicKey> keys, Placement placement) {
        this(name, endpoint, keys, placement, null);
    }
}

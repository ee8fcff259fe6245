package dev.ferry.bastion.fleet;

import dev.ferry.bastion.vps.Vps;
import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.SshPublicKey;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Host certificates for VPS sshds, signed by the Host's host CA: principals {@code vps-<id>} and, when the VPS has
 * a name, {@code vps-<name>}, the names a client reaches it by through the bastion. Made again at every heartbeat
 * from what the registry holds rather than stored: the same VPS, name and key give the same certificate, and a
 * renamed VPS or a re-created container's new key a new one. Valid from always to forever, as the key is.
 */
public final class VpsCertificates implements HostCertifier {
    private final KeyPair hostCa;

    public VpsCertificates(KeyPair hostCa) {
        this.hostCa = hostCa;
    }

    @Override
    public String certificate(Vps v) {
        if (v.hostKey() == null) {
            return null;
        }
        List<String> principals = new ArrayList<>(List.of("vps-" + v.id()));
        if (v.name() != null) {
            principals.add("vps-" + v.name());
        }
        return PublicKeyEntry.toString(HostCertificates.issue(hostCa, SshPublicKey.parse(v.hostKey()).toJavaKey(),
                principals, "ferry vps-" + v.id(), Instant.EPOCH));
    }
}

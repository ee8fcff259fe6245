package dev.ferry.bastion.fleet;

import dev.ferry.bastion.vps.Vps;
import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.SshPublicKey;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Host certificates for VPS sshds, signed by the Host's host CA: principals {@code vps-<id>} and, when the VPS has
 * a name, {@code vps-<name>}, the names a client reaches it by through the bastion. Made from what the registry
 * holds rather than stored: the same VPS, name and key give the same certificate, on every Host and after a
 * restart, and a renamed VPS or a re-created container's new key a new one. Valid from always to forever, as the
 * key is. Every heartbeat asks again for every VPS: the last certificate of each recent VPS is kept, and signed
 * again only when its name or key changed.
 */
public final class VpsCertificates implements HostCertifier {
    /** Recent VPS kept; a fleet with more signs a few again now and then, and stays right. */
    private static final int KEPT = 16_384;

    private final KeyPair hostCa;
    private final Map<Long, Issued> issued = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Issued> eldest) {
            return size() > KEPT;
        }
    };

    private record Issued(String hostKey, List<String> principals, String certificate) {
    }

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
        synchronized (issued) {
            Issued last = issued.get(v.id());
            if (last != null && last.hostKey().equals(v.hostKey()) && last.principals().equals(principals)) {
                return last.certificate();
            }
        }
        String certificate = PublicKeyEntry.toString(HostCertificates.issue(hostCa,
                SshPublicKey.parse(v.hostKey()).toJavaKey(), principals, "ferry vps-" + v.id(), Instant.EPOCH));
        synchronized (issued) {
            issued.put(v.id(), new Issued(v.hostKey(), principals, certificate));
        }
        return certificate;
    }
}

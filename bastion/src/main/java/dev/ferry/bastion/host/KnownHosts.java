package dev.ferry.bastion.host;

import dev.ferry.bastion.vps.Vps;
import dev.ferry.keys.CertAuthorityLine;
import dev.ferry.keys.SshPublicKey;
import java.security.PublicKey;
import java.util.List;

/**
 * What a user adds to known_hosts to trust the bastion and every VPS without a prompt ({@code ferry known-hosts}):
 * the host CA for the bastion's names, and for {@code vps-*}, the names a VPS is reached by through the bastion;
 * then the host key of each external VPS the Host knows (one Ferry does not run has no certificate of Ferry's).
 */
public final class KnownHosts {
    /** The comment of the host CA's public key line. */
    public static final String HOST_CA_COMMENT = "ferry-host-ca";
    /** The host names of VPS reached through a jump ({@code vps-<id>}, {@code vps-<name>}), on port 22. */
    public static final String VPS_PATTERN = "vps-*";

    private KnownHosts() {
    }

    /**
     * @param principals the bastion's host certificate principals
     * @param sshPort    the port clients reach the bastion on: known_hosts names hosts on other ports than 22
     *                   as {@code [name]:port}
     * @param hostCa     the host CA's public key
     * @return the bastion's {@code @cert-authority} line, then the one for {@code vps-*}
     */
    public static List<String> lines(List<String> principals, int sshPort, PublicKey hostCa) {
        SshPublicKey ca = SshPublicKey.of(hostCa, HOST_CA_COMMENT);
        return List.of(CertAuthorityLine.of(principals.stream()
                        .map(name -> CertAuthorityLine.hostPattern(name, sshPort)).toList(), ca),
                CertAuthorityLine.of(List.of(VPS_PATTERN), ca));
    }

    /**
     * The host key lines of the external VPS whose key the Host knows (given at {@code vps add --host-key}, or met
     * at the bastion's first contact, which the bastion then holds it to): a jump to one is checked end to end
     * by the client, which would otherwise ask. A runner's VPS is certified instead.
     */
    public static List<String> externalVps(List<Vps> vps) {
        return vps.stream().filter(v -> !v.onRunner() && v.hostKey() != null)
                .map(v -> v.sshUser() + (v.name() == null ? "" : ",vps-" + v.name()) + " " + v.hostKey()).toList();
    }
}

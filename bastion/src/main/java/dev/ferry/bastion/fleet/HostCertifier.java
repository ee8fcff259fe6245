package dev.ferry.bastion.fleet;

import dev.ferry.bastion.vps.Vps;

/** Certifies the host key a runner reported for a VPS's sshd, for the names the VPS is reached by. */
@FunctionalInterface
public interface HostCertifier {
    /** Certifies nothing: the VPS are trusted by their pinned host keys only. */
    HostCertifier NONE = v -> null;

    /**
     * @return the certificate for {@code v}'s host key as an OpenSSH line, or null when its key is not known; the
     *         same for the same VPS, name and key, so that runners re-install it only when one of them changed
     */
    String certificate(Vps v);
}

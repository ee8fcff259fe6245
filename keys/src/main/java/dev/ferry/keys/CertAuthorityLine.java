package dev.ferry.keys;

import java.util.List;

/**
 * A known_hosts line that trusts a CA for a set of hosts: {@code @cert-authority patterns key}. A client
 * that holds it accepts any host key certified by the CA for the name it connects to, without a prompt.
 */
public final class CertAuthorityLine {
    private CertAuthorityLine() {
    }

    /**
     * @param hostPatterns known_hosts host patterns ({@code bastion.example}, {@code [bastion.example]:2222},
     *                     {@code vps-*})
     * @param ca           the CA's public key; its comment ends the line
     */
    public static String of(List<String> hostPatterns, SshPublicKey ca) {
        if (hostPatterns.isEmpty()) {
            throw new IllegalArgumentException("a @cert-authority line needs at least one host pattern");
        }
        for (String p : hostPatterns) {
            if (p.isEmpty() || p.chars().anyMatch(c -> c == ',' || c <= ' ' || c == 0x7f)) {
                throw new IllegalArgumentException("'" + p + "' is not a known_hosts host pattern");
            }
        }
        return "@cert-authority " + String.join(",", hostPatterns) + " " + ca.toOpenSsh();
    }

    /**
     * The name a client looks a host up by in known_hosts: the bare name on port 22, {@code [name]:port}
     * on any other port (IPv6 addresses included, without brackets of their own).
     */
    public static String hostPattern(String name, int port) {
        return port == 22 ? name : "[" + name + "]:" + port;
    }
}

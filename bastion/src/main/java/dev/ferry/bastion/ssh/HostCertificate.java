package dev.ferry.bastion.ssh;

import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.PrivateKeyFiles;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.HostKeyCertificateProvider;
import org.apache.sshd.common.session.SessionContext;

/**
 * The bastion's host certificates: one per host key, signed by the host CA for the names the bastion is
 * reached by, issued at each start (so a changed name or key is certified without a step of its own). MINA
 * offers the certificate's algorithm next to the plain key's in every key exchange; a client with the CA in
 * known_hosts picks the certificate.
 */
final class HostCertificate implements HostKeyCertificateProvider {
    /** How far back a certificate is valid from, for clients whose clocks lag behind the Host's. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private final List<OpenSshCertificate> certificates;

    private HostCertificate(List<OpenSshCertificate> certificates) {
        this.certificates = certificates;
    }

    /** Certifies each of the private keys in {@code hostKeys} for {@code principals}. */
    static HostCertificate issue(KeyPair hostCa, List<Path> hostKeys, List<String> principals, Instant now) {
        return new HostCertificate(hostKeys.stream()
                .map(file -> HostCertificates.issue(hostCa, PrivateKeyFiles.read(file).getPublic(), principals,
                        "ferry bastion " + file.getFileName(), now.minus(BACKDATE)))
                .toList());
    }

    @Override
    public Iterable<OpenSshCertificate> loadCertificates(SessionContext session) {
        return certificates;
    }
}

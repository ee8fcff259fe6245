package dev.ferry.keys;

import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * Short-lived OpenSSH user certificates signed by a CA key, as {@code ssh-keygen -s ca -I id -n user -V ...}
 * makes them. MINA's builder adds no extensions by itself, and an sshd grants a certificate login only what
 * its extensions permit (no {@code permit-pty}: no tty), so every extension a login needs is set here.
 */
public final class UserCertificates {
    /** What a direct login with a plain key may do, which a bridged login must be able to do too. */
    public static final List<String> EXTENSIONS = List.of("permit-X11-forwarding", "permit-agent-forwarding",
            "permit-port-forwarding", "permit-pty", "permit-user-rc");

    private static final SecureRandom RANDOM = new SecureRandom();

    private UserCertificates() {
    }

    /**
     * A fresh ed25519 key and a certificate for it.
     *
     * @param ca        the CA's key pair (ed25519 is what Ferry uses)
     * @param principal the one principal the certificate names (plain mode: its VPS, see {@link VpsPrincipals})
     * @param keyId     the certificate's key id, which sshd logs at every login
     * @param now       the current time
     * @param backdate  how long before {@code now} it becomes valid, for clocks that lag a little
     * @param validity  how long after {@code now} it stays valid
     * @return a key pair whose public key is the {@link OpenSshCertificate}, ready for a MINA client identity
     */
    public static KeyPair issue(KeyPair ca, String principal, String keyId, Instant now, Duration backdate,
                                Duration validity) {
        KeyPair ephemeral = KeyPairs.generate(KeyType.ED25519);
        return new KeyPair(certify(ca, ephemeral.getPublic(), principal, keyId, now, backdate, validity),
                ephemeral.getPrivate());
    }

    /**
     * A certificate for a key someone else holds (SSO: the person's own key, whose private half stays with them).
     *
     * @param key the public key to certify
     * @see #issue
     */
    public static OpenSshCertificate certify(KeyPair ca, PublicKey key, String principal, String keyId, Instant now,
                                             Duration backdate, Duration validity) {
        Objects.requireNonNull(ca, "ca");
        if (principal == null || principal.isEmpty()) {
            throw new IllegalArgumentException("a user certificate needs a principal");
        }
        Map<String, String> extensions = new LinkedHashMap<>();
        EXTENSIONS.forEach(e -> extensions.put(e, ""));
        try {
            return OpenSshCertificateBuilder.userCertificate()
                    .publicKey(key)
                    .serial(RANDOM.nextLong() & Long.MAX_VALUE)
                    .id(keyId)
                    .principals(List.of(principal))
                    .extensions(extensions)
                    .validAfter(now.minus(backdate))
                    .validBefore(now.plus(validity))
                    .sign(ca);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a user certificate: " + e.getMessage(), e);
        }
    }
}

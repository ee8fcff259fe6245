package dev.ferry.bastion.people;

import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.keys.UserCertificates;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * The client CA (DESIGN.md, Authentication): it certifies a person's own key for a few hours after they signed in
 * with SSO, the person's name the one principal, and the bastion lets such a certificate in as that person, with no
 * key of theirs on record. Apart from the user CA, which signs plain mode's certificates for the VPS sshd: neither
 * CA's certificates are taken where the other's are.
 *
 * <p>A certified login is known to routing by its credential, {@code cert:NAME@END} (the certificate's end, to the
 * second), where a key's is its fingerprint ({@code SHA256:...}): the two never meet, and the sessions' sweep ends a
 * certified session when its certificate does.
 */
public final class ClientCa {
    /** The comment of the CA's public key line. */
    public static final String COMMENT = "ferry-client-ca";
    private static final String CERTIFIED = "cert:";
    private static final String UNTIL = "@";
    private static final Duration BACKDATE = Duration.ofMinutes(1);

    private final KeyPair ca;

    public ClientCa(KeyPair ca) {
        this.ca = ca;
    }

    /** The CA's public key as one OpenSSH line, which a VPS's sshd trusts for people ({@code cert-authority}). */
    public String publicLine() {
        return SshPublicKey.of(ca.getPublic(), COMMENT).toOpenSsh();
    }

    /**
     * Certifies {@code key} for {@code person} until {@code now + validity}: an OpenSSH certificate line
     * ({@code ssh-ed25519-cert-v01@openssh.com AAAA... NAME}).
     */
    public String certify(PublicKey key, String person, Instant now, Duration validity) {
        OpenSshCertificate cert = UserCertificates.certify(ca, key, person, "ferry-sso:" + person, now, BACKDATE,
                validity);
        return PublicKeyEntry.toString(cert) + " " + person;
    }

    /**
     * The person a certificate lets in, when this CA signed it for a user, it is valid at {@code now} and it names
     * one person; else empty. (MINA has checked the CA's signature over it before an authenticator sees it.)
     */
    public Optional<String> person(OpenSshCertificate cert, Instant now) {
        if (cert.getType() != OpenSshCertificate.Type.USER || !sameKey(cert.getCaPubKey())
                || !OpenSshCertificate.isValidAt(cert, now)) {
            return Optional.empty();
        }
        List<String> principals = List.copyOf(cert.getPrincipals());
        if (principals.size() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(Person.validName(principals.get(0))).filter(n -> n.equals(principals.get(0)));
        } catch (RuntimeException notAName) {
            return Optional.empty();
        }
    }

    private boolean sameKey(PublicKey key) {
        try {
            return SshPublicKey.of(key, "").sameKey(SshPublicKey.of(ca.getPublic(), ""));
        } catch (KeyFormatException e) {
            return false;
        }
    }

    /** The credential routing knows a login by, for a certificate of {@code person} valid until {@code end}. */
    public static String credential(String person, Instant end) {
        return CERTIFIED + person + UNTIL + end.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The credential of a certificate this CA let in ({@link #person}). */
    public static String credential(OpenSshCertificate cert, String person) {
        long end = cert.getValidBefore(); // unsigned: "forever" reads as negative
        return end < 0 ? CERTIFIED + person : credential(person, Instant.ofEpochSecond(end));
    }

    /** How a log line names a credential: {@code key SHA256:...}, or {@code certificate of alice (until ...)}. */
    public static String describe(String credential) {
        return certified(credential).map(p -> "certificate of " + p + end(credential).map(e -> " (until " + e + ")")
                .orElse("")).orElse("key " + credential);
    }

    /** The person a credential names, when it is a certificate's rather than a key's fingerprint. */
    public static Optional<String> certified(String credential) {
        if (credential == null || !credential.startsWith(CERTIFIED)) {
            return Optional.empty();
        }
        String rest = credential.substring(CERTIFIED.length());
        int at = rest.indexOf(UNTIL);
        return Optional.of(at < 0 ? rest : rest.substring(0, at));
    }

    /** When a certified credential's certificate ends, if it does. */
    public static Optional<Instant> end(String credential) {
        if (certified(credential).isEmpty() || credential.indexOf(UNTIL) < 0) {
            return Optional.empty();
        }
        return Optional.of(Instant.parse(credential.substring(credential.indexOf(UNTIL) + 1)));
    }
}

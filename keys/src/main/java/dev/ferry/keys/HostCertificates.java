package dev.ferry.keys;

import java.security.KeyPair;
import java.security.PublicKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * OpenSSH host certificates signed by a CA key, as {@code ssh-keygen -s ca -h -I id -n names} makes them: a
 * client with {@code @cert-authority} for the CA trusts the host key under each of the principals, with no
 * first-connection prompt.
 *
 * <p>The same inputs give the same certificate, byte for byte (serial and nonce are derived from them, and
 * ed25519 signatures are deterministic): a certificate can be made again wherever it is needed instead of
 * stored, and whoever installs it sees a change only when something certified changed.
 */
public final class HostCertificates {
    private HostCertificates() {
    }

    /**
     * A host certificate with no end of validity: a host key does not expire either, and a certificate that
     * ran out while its server kept running would lock every client out. It is re-issued whenever the names
     * or the key change.
     *
     * @param ca         the CA's key pair (ed25519 is what Ferry uses)
     * @param hostKey    the host's public key
     * @param principals the names and addresses clients reach the host by, as they type them
     * @param keyId      the certificate's key id, which {@code ssh -v} prints
     * @param validAfter when it becomes valid (a little before now, for clients whose clocks lag)
     */
    public static OpenSshCertificate issue(KeyPair ca, PublicKey hostKey, List<String> principals, String keyId,
                                           Instant validAfter) {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(hostKey, "hostKey");
        if (principals == null || principals.isEmpty()) {
            // without principals OpenSSH takes the certificate for any host name
            throw new IllegalArgumentException("a host certificate needs at least one principal");
        }
        byte[] digest = digest(hostKey, principals, keyId, validAfter);
        try {
            return OpenSshCertificateBuilder.hostCertificate()
                    .publicKey(hostKey)
                    .nonce(digest)
                    .serial(ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE)
                    .id(keyId)
                    .principals(List.copyOf(principals))
                    .validAfter(validAfter)
                    .sign(ca);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a host certificate: " + e.getMessage(), e);
        }
    }

    /**
     * Whether an OpenSSH certificate line certifies a host key as a host certificate, so that an sshd can serve
     * the two together. Nothing else is checked: the CA, principals and validity are for the client to judge.
     *
     * @param certificate an OpenSSH certificate line ({@code ssh-ed25519-cert-v01@openssh.com AAAA...})
     * @param hostKey     an OpenSSH public key line ({@code ssh-ed25519 AAAA...})
     * @return false too when either line is not what it should be
     */
    public static boolean certifies(String certificate, String hostKey) {
        try {
            PublicKey cert = PublicKeyEntry.parsePublicKeyEntry(certificate.strip()).resolvePublicKey(null, null,
                    null);
            return cert instanceof OpenSshCertificate c && c.getType() == OpenSshCertificate.Type.HOST
                    && KeyUtils.compareKeys(c.getCertPubKey(), SshPublicKey.parse(hostKey).toJavaKey());
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The certificate's own fingerprint, {@code SHA256:} and the unpadded base64 of a SHA-256 over its whole
     * blob (signature included; {@code ssh-keygen -l} shows the certified key's instead): what a runner reports
     * to say which certificate its sshd serves, in 50 characters instead of the certificate's several hundred.
     *
     * @param certificate an OpenSSH certificate line; its comment, if any, is not part of it
     * @throws IllegalArgumentException when the line has no base64 blob
     */
    public static String fingerprint(String certificate) {
        String[] fields = certificate.strip().split("\\s+");
        if (fields.length < 2) {
            throw new IllegalArgumentException("not an OpenSSH certificate line: no key blob after the type");
        }
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(fields[1]));
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /**
     * A SHA-256 over what is certified: the nonce, whose first 63 bits are the serial. The nonce guards against
     * chosen-prefix collisions of the signature's hash, which ed25519 does not depend on.
     */
    private static byte[] digest(PublicKey hostKey, List<String> principals, String keyId, Instant validAfter) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(SshPublicKey.of(hostKey, "").blob());
            sha.update((String.join("\n", principals) + "\0" + keyId + "\0" + validAfter.getEpochSecond())
                    .getBytes(StandardCharsets.UTF_8));
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}

package dev.ferry.keys;

import java.util.Optional;

/** The SSH key algorithms Ferry accepts and generates. DSA and security-key (sk-) types are not among them. */
public enum KeyType {
    ED25519("ssh-ed25519", null),
    ECDSA_P256("ecdsa-sha2-nistp256", "nistp256"),
    ECDSA_P384("ecdsa-sha2-nistp384", "nistp384"),
    ECDSA_P521("ecdsa-sha2-nistp521", "nistp521"),
    RSA("ssh-rsa", null);

    private final String sshName;
    private final String curveName;

    KeyType(String sshName, String curveName) {
        this.sshName = sshName;
        this.curveName = curveName;
    }

    /** @return the name SSH uses on the wire and in key files, e.g. {@code ssh-ed25519} */
    public String sshName() {
        return sshName;
    }

    /** The SSH curve identifier inside an ECDSA key blob ({@code nistp256}); null for other types. */
    String curveName() {
        return curveName;
    }

    /**
     * @param sshName a key type name as it appears in a public key line, e.g. {@code ecdsa-sha2-nistp256}
     * @return the matching type, or empty when Ferry does not support it
     */
    public static Optional<KeyType> forSshName(String sshName) {
        for (KeyType type : values()) {
            if (type.sshName.equals(sshName)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * @param sshName a key type name as it appears in a public key line
     * @return the matching type
     * @throws KeyFormatException {@code unsupported key type 'ssh-dss'} when Ferry does not support it
     */
    public static KeyType fromSshName(String sshName) {
        return forSshName(sshName).orElseThrow(
                () -> new KeyFormatException("unsupported key type '" + sshName + "'"));
    }
}

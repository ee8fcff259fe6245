package dev.ferry.keys;

/**
 * An sshd's host public key as Ferry stores and passes it: one OpenSSH line {@code type base64}, without a
 * comment. The line often comes from a place Ferry does not trust (a tenant's container, a runner, a
 * request), so it is bounded before it is parsed, parsed in full, and written again from the parsed key.
 */
public final class HostKeyLine {
    /** The longest line accepted: an RSA 16384-bit key's line is about 2,800 characters. */
    public static final int MAX_LENGTH = 4096;

    private HostKeyLine() {
    }

    /**
     * @param line an OpenSSH public key line, e.g. the content of {@code /etc/ssh/ssh_host_ed25519_key.pub}
     * @return {@code type base64}, the comment (and any options) dropped
     * @throws KeyFormatException when the line is longer than {@link #MAX_LENGTH} or not a supported public key
     */
    public static String normalize(String line) {
        if (line == null) {
            throw new KeyFormatException("not an OpenSSH public key (no line given)");
        }
        if (line.length() > MAX_LENGTH) {
            throw new KeyFormatException("the line is " + line.length() + " characters long; a host public key "
                    + "line has at most " + MAX_LENGTH);
        }
        SshPublicKey key = SshPublicKey.parse(line.strip());
        return key.type() + " " + key.base64();
    }
}

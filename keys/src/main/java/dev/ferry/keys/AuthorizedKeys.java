package dev.ferry.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads OpenSSH authorized_keys text: one public key per line, with blank lines and {@code #} comments skipped.
 * Key options are accepted but dropped (see {@link SshPublicKey#parse}).
 */
public final class AuthorizedKeys {

    private AuthorizedKeys() {
    }

    /**
     * @param text authorized_keys content; LF and CRLF line ends both work
     * @return the keys in file order
     * @throws KeyFormatException for the first bad line, prefixed with its 1-based number:
     *         {@code line 3: unsupported key type 'ssh-dss'}
     */
    public static List<SshPublicKey> parse(String text) {
        List<SshPublicKey> keys = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                keys.add(SshPublicKey.parse(line));
            } catch (KeyFormatException e) {
                throw new KeyFormatException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(keys);
    }

    /**
     * @param file an authorized_keys file (UTF-8)
     * @return the keys in file order
     * @throws KeyFormatException for the first bad line: {@code /path/authorized_keys: line 3: ...}
     * @throws UncheckedIOException naming the file when it cannot be read
     */
    public static List<SshPublicKey> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read authorized keys file '" + file + "': " + KeyFiles.describe(e), e);
        }
        try {
            return parse(text);
        } catch (KeyFormatException e) {
            throw new KeyFormatException(file + ": " + e.getMessage(), e);
        }
    }
}

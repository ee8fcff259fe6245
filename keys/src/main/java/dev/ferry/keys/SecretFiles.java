package dev.ferry.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files that hold a secret (a token, a TLS key, a config file with a token in it): their owner's only. */
public final class SecretFiles {
    private SecretFiles() {
    }

    /**
     * Why {@code file} may not hold a secret, or null when only its owner may access it (or the file system
     * has no POSIX permissions to check).
     *
     * @param description what the file holds, as the sentence names it, e.g. {@code "a token file"}
     */
    public static String tooOpen(Path file, String description) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return null;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().allMatch(p -> p.name().startsWith("OWNER_"))) {
            return null;
        }
        return "permissions " + PosixFilePermissions.toString(mode) + " of " + file + " are too open: " + description
                + " must be readable by its owner only (chmod 600 " + file + ")";
    }

    /**
     * The first line of a file that holds a secret named by a setting (a password, a client secret), which only its
     * owner may read.
     *
     * @param setting the setting that names the file, as the sentences name it ({@code registry_password_file})
     * @throws IllegalArgumentException a sentence naming {@code setting}: too open, empty or unreadable
     */
    public static String firstLine(Path file, String setting) {
        try {
            String why = tooOpen(file, setting);
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
            String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
            if (first.isEmpty()) {
                throw new IllegalArgumentException(setting + " " + file + " is empty");
            }
            return first;
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + ": cannot read " + file + ": " + e.getMessage());
        }
    }
}

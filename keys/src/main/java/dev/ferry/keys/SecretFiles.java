package dev.ferry.keys;

import java.io.IOException;
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
}

package dev.ferry.agent.host;

import dev.ferry.keys.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The credential a runner received at enrollment, kept in one file on the runner's machine: readable by its owner
 * only (a file others can read is refused), written whole or not at all.
 */
public final class RunnerCredential {
    private RunnerCredential() {
    }

    /**
     * @return the credential in {@code file}, or empty when there is none yet
     * @throws IOException when it cannot be read, is open to others, or holds no credential
     */
    public static Optional<String> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IOException("the runner credential " + file + " is readable by others ("
                    + PosixFilePermissions.toString(mode) + "): whoever reads it speaks for this runner; fix it with: "
                    + "chmod 600 " + file);
        }
        String credential = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (credential.isEmpty() || !credential.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IOException("the runner credential " + file + " holds no credential; if the Host no longer "
                    + "knows this runner, delete the file and enroll again with a join token");
        }
        return Optional.of(credential);
    }

    /** Writes {@code credential} to {@code file} (0600, its directory 0700 when made here), replacing it whole. */
    public static void write(Path file, String credential) throws IOException {
        KeyFiles.writeAtomically(file, (credential + "\n").getBytes(StandardCharsets.US_ASCII),
                PosixFilePermissions.fromString("rw-------"));
    }
}

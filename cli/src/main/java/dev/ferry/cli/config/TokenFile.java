package dev.ferry.cli.config;

import dev.ferry.keys.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A token kept in a file of its own ({@code --token-file}), so that it never shows in a command line. */
public final class TokenFile {
    private TokenFile() {
    }

    /**
     * The token in {@code file}, or null when {@code file} is null. A file others may read is refused: the
     * token would not be a secret.
     *
     * @param option the option or key that named the file, for the messages
     */
    public static String read(Path file, String option) {
        if (file == null) {
            return null;
        }
        String token;
        try {
            String why = SecretFiles.tooOpen(file, "a token file");
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(option + ": token file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot read token file " + file + ": " + e.getMessage());
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException(option + ": token file " + file + " is empty");
        }
        return token;
    }

    /** {@link #read} for a path given as text (environment, config file). */
    public static String read(String file, String option) {
        return file == null || file.isBlank() ? null : read(Path.of(file.strip()), option);
    }
}

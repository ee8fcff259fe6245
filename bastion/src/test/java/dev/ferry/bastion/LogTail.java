package dev.ferry.bastion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a log file gets from a moment on: a test takes the tail before a flood and reads the lines written during
 * it, to bound them without naming any sentence.
 */
public final class LogTail {
    private final Path file;
    private final long mark;

    private LogTail(Path file, long mark) {
        this.file = file;
        this.mark = mark;
    }

    /** The tail of {@code file} from where it ends now (its start when it is not there yet). */
    public static LogTail of(Path file) {
        try {
            return new LogTail(file, Files.exists(file) ? Files.size(file) : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines written since the tail was taken. */
    public List<String> lines() {
        try {
            byte[] all = Files.readAllBytes(file);
            return new String(all, (int) mark, all.length - (int) mark, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.ferry.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code ferry.pid} in a data directory: the process of the {@code ferry host} or {@code ferry up} running from it,
 * written when it has started and deleted when it stops, for {@code ferry down}.
 */
final class HostProcessFile {
    static final String NAME = "ferry.pid";

    private HostProcessFile() {
    }

    static Path of(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    /** Notes this process as the one running from {@code dataDir}; the note goes when the process stops. */
    static void write(Path dataDir) throws IOException {
        Files.writeString(of(dataDir), ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
    }

    static void delete(Path dataDir) {
        try {
            Files.deleteIfExists(of(dataDir));
        } catch (IOException ignored) {
            // a stale note is told apart by its process being gone
        }
    }

    /** The Ferry process the note in {@code dataDir} names, if there is a note and that process still runs Ferry. */
    static Optional<ProcessHandle> running(Path dataDir) {
        try {
            long pid = Long.parseLong(Files.readString(of(dataDir)).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(HostProcessFile::isFerry);
        } catch (IOException | NumberFormatException noNote) {
            return Optional.empty();
        }
    }

    /**
     * Whether a process runs Ferry's main class (a pid reused by another program is not stopped): its whole command
     * line from /proc, as Java's own view of it may be cut short by a long classpath.
     */
    private static boolean isFerry(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
                    StandardCharsets.ISO_8859_1).contains(Main.class.getName());
        } catch (IOException noProc) {
            return p.info().commandLine().map(c -> c.contains(Main.class.getName())).orElse(false);
        }
    }
}

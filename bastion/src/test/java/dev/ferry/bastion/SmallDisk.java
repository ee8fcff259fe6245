package dev.ferry.bastion;

import dev.ferry.testing.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A small file system of its own (tmpfs, owner-only) mounted on a directory, which a test fills to the last byte
 * and frees again. Needs root, as the tests run here; unmounted (lazily, whatever still holds it open) on close.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private final Path filler;

    private SmallDisk(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** Mounts a tmpfs of {@code megabytes} MiB on {@code dir} (created when missing). */
    public static SmallDisk mount(Path dir, int megabytes) throws IOException {
        Files.createDirectories(dir);
        Processes.run(List.of("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0700", "tmpfs",
                dir.toString()), null, 30).requireSuccess();
        return new SmallDisk(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a file until not one more byte fits. */
    public void fill() throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
        }
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.APPEND)) {
            while (true) {
                out.write(0);
                out.flush();
            }
        } catch (IOException full) {
            // full to the byte
        }
        if (dir.toFile().getUsableSpace() != 0) {
            throw new IllegalStateException(dir + " still has " + dir.toFile().getUsableSpace() + " bytes free");
        }
    }

    /** Deletes what {@link #fill()} wrote. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() {
        Processes.run(List.of("umount", "-l", dir.toString()), null, 30).requireSuccess();
    }
}

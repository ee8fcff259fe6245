package dev.ferry.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;

/**
 * File handling shared by the key file readers and writers: safe writes, permission checks, readable errors. Its
 * atomic write serves other files the user keeps too (the CLI's ssh_config section).
 */
public final class KeyFiles {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private KeyFiles() {
    }

    /**
     * Writes {@code content} to a temporary file in the target's directory and renames it over the target,
     * so readers never see a half-written key and the file never exists with looser permissions than
     * {@code permissions} (the temporary file is created owner-only). Missing parent directories are created 0700.
     */
    public static void writeAtomically(Path file, byte[] content, Set<PosixFilePermission> permissions)
            throws IOException {
        Path target = file.toAbsolutePath();
        Path directory = target.getParent();
        boolean posix = isPosix(directory.getRoot());
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, posix ? new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY)} : new FileAttribute<?>[0]);
        }
        Path temp = posix
                ? Files.createTempFile(directory, "." + target.getFileName(), ".tmp",
                        PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(directory, "." + target.getFileName(), ".tmp");
        try {
            if (posix) {
                // Set explicitly: the creation attribute is narrowed by the umask, and 0644 needs widening.
                Files.setPosixFilePermissions(temp, permissions);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Refuses a private key file that group or others may access in any way, as OpenSSH does.
     * On file systems without POSIX permissions there is nothing to check.
     */
    static void requireOwnerOnly(Path file) throws IOException {
        if (!isPosix(file.toAbsolutePath().getRoot())) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        boolean open = permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
        if (open) {
            throw new KeyFormatException(String.format("Permissions %04o for '%s' are too open: a private key must "
                    + "not be accessible by others (chmod 600 %s)", mode(permissions), file, file));
        }
    }

    /** @return what went wrong in a few words, since NIO exceptions often carry only the path as message */
    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file is in the way";
        }
        if (e instanceof NotDirectoryException) {
            return "a parent is not a directory";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "a directory is in the way";
        }
        if (e instanceof FileSystemException failure && failure.getReason() != null) {
            // The reason is the OS's own words ("Is a directory"); the full message would repeat the paths.
            return failure.getReason().toLowerCase(Locale.ROOT);
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            // The enum is declared from OWNER_READ (0400) down to OTHERS_EXECUTE (0001).
            mode |= 0400 >> permission.ordinal();
        }
        return mode;
    }

    private static boolean isPosix(Path anyPathOnFileSystem) {
        return anyPathOnFileSystem.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}

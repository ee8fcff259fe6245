package dev.ferry.bastion.sessions;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * The recordings of one Host, under its data directory: each file a sequence of gzip members, one per flush, so that
 * a file is readable up to its last complete member whatever happened after it (a Host killed mid-write leaves at
 * most a truncated last member, which reading stops at). {@code zcat} reads them as one stream.
 */
public final class RecordingFiles {
    private final Path root;

    public RecordingFiles(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Where recording {@code name} ({@code 2026/12/07/s12/events.jsonl.gz}) is. */
    public Path path(String name) {
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("not a recording: " + name);
        }
        return p;
    }

    /** Appends one compressed member to recording {@code name}, making it (and its directory) on the first one. */
    void append(String name, byte[] member, int length) throws IOException {
        Path p = path(name);
        Files.createDirectories(p.getParent());
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(member, 0, length);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /** Whether a small file can be written under the root now: null when it can, else why not. */
    String probe() {
        Path probe = root.resolve(".probe");
        try {
            Files.createDirectories(root);
            Files.write(probe, new byte[4096]);
            Files.delete(probe);
            return null;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // the failure below says enough
            }
            return "cannot write recordings in " + root + ": " + e.getMessage();
        }
    }

    /** The SHA-256 of recording {@code name} as stored, hex. */
    public String sha256(String name) throws IOException {
        try (InputStream in = Files.newInputStream(path(name))) {
            return sha256(in);
        }
    }

    /** The SHA-256 of what {@code stored} holds (a recording as stored), hex. */
    public static String sha256(InputStream stored) throws IOException {
        MessageDigest digest = sha256();
        byte[] buf = new byte[64 << 10];
        for (int n; (n = stored.read(buf)) > 0; ) {
            digest.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /**
     * Writes what recording {@code name} holds, uncompressed, to {@code out}: every complete member; a truncated
     * last one (a Host killed while writing it) as far as it goes.
     *
     * @return whether the file ended cleanly (false: it was cut short)
     */
    public boolean copyTo(String name, OutputStream out) throws IOException {
        return copy(Files.newInputStream(path(name)), out);
    }

    /**
     * Writes what {@code stored} (a recording as stored, which this closes) holds, uncompressed, to {@code out}, as
     * {@link #copyTo} does.
     */
    public static boolean copy(InputStream stored, OutputStream out) throws IOException {
        try (InputStream file = new BufferedInputStream(stored);
             InputStream in = new GZIPInputStream(file, 64 << 10)) {
            byte[] buf = new byte[64 << 10];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return true;
        } catch (EOFException cut) {
            return false;
        }
    }
}

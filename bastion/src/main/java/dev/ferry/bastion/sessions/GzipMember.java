package dev.ferry.bastion.sessions;

import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses a chunk into one complete gzip member (RFC 1952): header, raw deflate, CRC-32 and length. A file of
 * such members, appended one after another, is one gzip stream to every reader ({@code zcat}, Java's
 * {@code GZIPInputStream}). Not thread-safe: the recording writer's one thread owns one.
 */
final class GzipMember {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    private final CRC32 crc = new CRC32();
    private byte[] out = new byte[64 << 10];
    private int length;

    /** Compresses {@code data[0, n)}; the member is then {@link #bytes()} up to {@link #length()}. */
    void compress(byte[] data, int n) {
        deflater.reset();
        crc.reset();
        crc.update(data, 0, n);
        deflater.setInput(data, 0, n);
        deflater.finish();
        ensure(HEADER.length + n + n / 100 + 64);
        System.arraycopy(HEADER, 0, out, 0, HEADER.length);
        length = HEADER.length;
        while (!deflater.finished()) {
            ensure(length + 8192);
            length += deflater.deflate(out, length, out.length - length);
        }
        ensure(length + 8);
        writeIntLe((int) crc.getValue());
        writeIntLe(n);
    }

    byte[] bytes() {
        return out;
    }

    int length() {
        return length;
    }

    private void ensure(int capacity) {
        if (out.length < capacity) {
            out = java.util.Arrays.copyOf(out, Math.max(capacity, out.length * 2));
        }
    }

    private void writeIntLe(int v) {
        out[length++] = (byte) v;
        out[length++] = (byte) (v >>> 8);
        out[length++] = (byte) (v >>> 16);
        out[length++] = (byte) (v >>> 24);
    }

    void end() {
        deflater.end();
    }
}

package dev.ferry.keys;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads the length-prefixed fields of SSH wire-format data (RFC 4251 section 5), refusing to read past the end. */
final class WireReader {

    private final byte[] data;
    private int position;

    WireReader(byte[] data, int offset) {
        this.data = data;
        this.position = offset;
    }

    WireReader(byte[] data) {
        this(data, 0);
    }

    byte[] readBytes() {
        if (remaining() < 4) {
            throw truncated();
        }
        long length = ((data[position] & 0xFFL) << 24) | ((data[position + 1] & 0xFFL) << 16)
                | ((data[position + 2] & 0xFFL) << 8) | (data[position + 3] & 0xFFL);
        position += 4;
        if (length > remaining()) {
            throw truncated();
        }
        byte[] field = Arrays.copyOfRange(data, position, position + (int) length);
        position += (int) length;
        return field;
    }

    /** Reads a field that should be a short printable name, such as a key type or curve name. */
    String readName() {
        byte[] bytes = readBytes();
        for (byte b : bytes) {
            if (b < 0x21 || b > 0x7E) {
                throw new KeyFormatException("key data is not an SSH public key (it does not start with a key type)");
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    BigInteger readMpint() {
        byte[] bytes = readBytes();
        return bytes.length == 0 ? BigInteger.ZERO : new BigInteger(bytes);
    }

    int remaining() {
        return data.length - position;
    }

    void requireEnd() {
        if (remaining() > 0) {
            throw new KeyFormatException("key data has " + remaining() + " unexpected bytes after the key");
        }
    }

    private static KeyFormatException truncated() {
        return new KeyFormatException("key data is truncated");
    }
}

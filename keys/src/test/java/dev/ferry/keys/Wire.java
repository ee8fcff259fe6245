package dev.ferry.keys;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Builds SSH wire-format blobs by hand, to make the malformed keys that no real tool produces. */
final class Wire {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Wire string(String value) {
        return bytes(value.getBytes(StandardCharsets.US_ASCII));
    }

    Wire bytes(byte[] value) {
        int n = value.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        out.writeBytes(value);
        return this;
    }

    Wire mpint(BigInteger value) {
        return bytes(value.toByteArray());
    }

    Wire raw(byte... value) {
        out.writeBytes(value);
        return this;
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    String base64() {
        return Base64.getEncoder().encodeToString(toBytes());
    }
}

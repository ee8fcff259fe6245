package dev.ferry.bastion.sessions;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One terminal's recording in asciicast v2 (the format asciinema plays): a header line, then one line per event,
 * {@code [seconds, "o", text]} for what the terminal showed, {@code "i"} for what was typed, {@code "r"} for a
 * resize. The bytes a terminal gets are turned into text as a terminal would read them: a UTF-8 sequence split
 * between two packets is joined, anything not UTF-8 becomes U+FFFD.
 */
final class Asciicast {
    private final RecordingWriter.Track file;
    private final long startNanos;
    private final Utf8 output = new Utf8();
    private final Utf8 input = new Utf8();
    private final Consumer<String> mirror;

    /**
     * @param header the header's JSON object (version 2, width, height, timestamp, env, title, and Ferry's own),
     *               one line with its newline
     * @param mirror hears each event line as it is written (a watcher's feed)
     */
    Asciicast(RecordingWriter.Track file, String header, long startNanos, Consumer<String> mirror) {
        this.mirror = mirror;
        this.file = file;
        this.startNanos = startNanos;
        file.write(header);
    }

    RecordingWriter.Track file() {
        return file;
    }

    /** What the terminal showed. @return whether its producer should hold back */
    boolean output(byte[] b, int off, int n) {
        return event("o", output.decode(b, off, n));
    }

    /** What was typed. */
    boolean input(byte[] b, int off, int n) {
        return event("i", input.decode(b, off, n));
    }

    void resize(int cols, int rows) {
        event("r", cols + "x" + rows);
    }

    private boolean event(String code, String text) {
        if (text.isEmpty()) {
            return false;
        }
        // seconds with six decimals, written by hand: String.format costs a Formatter, its locale's symbols and a
        // stack walk for every packet a terminal shows
        long micros = (System.nanoTime() - startNanos) / 1000;
        String fraction = Long.toString(micros % 1_000_000);
        StringBuilder line = new StringBuilder(text.length() + 32).append('[').append(micros / 1_000_000).append('.')
                .append("000000", 0, 6 - fraction.length()).append(fraction).append(", \"").append(code)
                .append("\", \"");
        JsonStringEncoder.getInstance().quoteAsString(text, line);
        String written = line.append("\"]\n").toString();
        mirror.accept(written);
        return file.write(written);
    }

    /** Bytes to text across packets: an incomplete sequence at the end waits for the next packet. */
    private static final class Utf8 {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] carry = new byte[0];

        String decode(byte[] b, int off, int n) {
            ByteBuffer in;
            if (carry.length == 0) {
                in = ByteBuffer.wrap(b, off, n);
            } else {
                byte[] joined = new byte[carry.length + n];
                System.arraycopy(carry, 0, joined, 0, carry.length);
                System.arraycopy(b, off, joined, carry.length, n);
                in = ByteBuffer.wrap(joined);
            }
            CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, out, false);
            carry = new byte[in.remaining()];
            in.get(carry);
            if (carry.length > 3) { // never a sequence's start: give it up as U+FFFD
                carry = new byte[0];
                out.put('\uFFFD');
            }
            out.flip();
            return out.toString();
        }
    }
}

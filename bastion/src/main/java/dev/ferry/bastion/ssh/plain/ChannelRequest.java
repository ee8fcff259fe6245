package dev.ferry.bastion.ssh.plain;

import dev.ferry.bastion.Text;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A channel request the bridge relays, read for what the bastion shows and records of a session (RFC 4254, 6): the
 * pty and its size, a shell, a command, a subsystem, a window change, the exit status or signal. The buffer is read
 * where it stands and left there: the request passes on with its exact bytes.
 *
 * @param name   the request's name ({@code pty-req}, {@code exec}, ...)
 * @param text   the terminal type of a pty, the command of an exec, the subsystem's name, the signal's name; else ""
 * @param number the columns of a pty or window change, or the exit status; else 0
 * @param rows   the rows of a pty or window change; else 0
 */
record ChannelRequest(String name, String text, int number, int rows) {
    /** Longest command or name kept: the live list's and the record's, not the relayed one. */
    static final int MAX_TEXT = 4096;

    /** @param buffer positioned at the request's name (after the recipient channel) */
    static ChannelRequest read(Buffer buffer) {
        int at = buffer.rpos();
        try {
            String name = Text.printable(buffer.getString(), 64);
            buffer.getBoolean(); // want reply
            return switch (name) {
                case "pty-req" -> {
                    String term = Text.printable(buffer.getString(), 64);
                    yield new ChannelRequest(name, term, size(buffer.getUInt()), size(buffer.getUInt()));
                }
                case "window-change" -> new ChannelRequest(name, "", size(buffer.getUInt()), size(buffer.getUInt()));
                case "exec", "subsystem" -> new ChannelRequest(name, Text.printable(buffer.getString(), MAX_TEXT), 0,
                        0);
                case "exit-status" -> new ChannelRequest(name, "", (int) buffer.getUInt(), 0);
                case "exit-signal" -> new ChannelRequest(name, Text.printable(buffer.getString(), 64), 0, 0);
                default -> new ChannelRequest(name, "", 0, 0);
            };
        } catch (RuntimeException malformed) {
            // the peer's own business: the request passes on as it came and its sshd answers it
            return new ChannelRequest("malformed", "", 0, 0);
        } finally {
            buffer.rpos(at);
        }
    }

    /** A terminal dimension as a sane number: a peer may send anything. */
    private static int size(long n) {
        return (int) Math.min(n, 100_000);
    }
}

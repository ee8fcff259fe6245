package dev.ferry.bastion.ssh.frontdoor;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The PROXY protocol header a TCP load balancer (HAProxy's {@code send-proxy} and {@code send-proxy-v2}) puts in
 * front of a connection: version 1 (a text line) or 2 (binary), as haproxy.org's proxy-protocol.txt defines them.
 * Only the source address is taken; what follows the header is the client's own bytes.
 *
 * @param length how many bytes the header takes
 * @param source the client's address and port, or null when the balancer speaks for itself (v1 {@code UNKNOWN},
 *               v2 {@code LOCAL}: its health checks) or the family is not TCP over IPv4 or IPv6
 */
public record ProxyHeader(int length, InetSocketAddress source) {
    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** A v1 line is at most 107 bytes, CRLF included. */
    private static final int V1_MAX = 107;
    /** v2: the signature, version and command, family, and the length of what follows. */
    private static final int V2_FIXED = 16;

    /** The header is not whole yet: more bytes are needed. */
    public static final ProxyHeader INCOMPLETE = new ProxyHeader(-1, null);

    /**
     * Parses the header at the start of {@code data[offset, offset + available)}.
     *
     * @return the header, or {@link #INCOMPLETE} when more bytes are needed
     * @throws IllegalArgumentException when the bytes are no PROXY header, or a malformed one
     */
    public static ProxyHeader parse(byte[] data, int offset, int available) {
        if (startsWith(data, offset, available, V2)) {
            return v2(data, offset, available);
        }
        if (startsWith(data, offset, available, V1)) {
            return v1(data, offset, available);
        }
        int n = Math.min(available, Math.max(V1.length, V2.length));
        if (isPrefix(data, offset, n, V1) || isPrefix(data, offset, n, V2)) {
            return INCOMPLETE;
        }
        throw new IllegalArgumentException("no PROXY protocol header (v1 or v2) where the load balancer's one is "
                + "expected");
    }

    private static ProxyHeader v1(byte[] data, int offset, int available) {
        int end = -1;
        for (int i = 0; i + 1 < Math.min(available, V1_MAX); i++) {
            if (data[offset + i] == '\r' && data[offset + i + 1] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            if (available >= V1_MAX) {
                throw new IllegalArgumentException("a PROXY v1 line longer than 107 bytes");
            }
            return INCOMPLETE;
        }
        String line = new String(data, offset, end, StandardCharsets.US_ASCII);
        String[] f = line.split(" ", -1);
        if (f.length >= 2 && f[1].equals("UNKNOWN")) { // the rest of the line is to be ignored
            return new ProxyHeader(end + 2, null);
        }
        if (f.length != 6 || !(f[1].equals("TCP4") || f[1].equals("TCP6"))) {
            throw new IllegalArgumentException("a malformed PROXY v1 line");
        }
        InetAddress source = literal(f[2], f[1].equals("TCP4") ? 4 : 16);
        literal(f[3], f[1].equals("TCP4") ? 4 : 16);
        return new ProxyHeader(end + 2, new InetSocketAddress(source, port(f[4])));
    }

    private static ProxyHeader v2(byte[] data, int offset, int available) {
        if (available < V2_FIXED) {
            return INCOMPLETE;
        }
        int versionCommand = data[offset + 12] & 0xff;
        int family = data[offset + 13] & 0xff;
        int length = (data[offset + 14] & 0xff) << 8 | data[offset + 15] & 0xff;
        if (versionCommand >> 4 != 2) {
            throw new IllegalArgumentException("a PROXY v2 header of version " + (versionCommand >> 4));
        }
        if (available < V2_FIXED + length) {
            return INCOMPLETE;
        }
        int command = versionCommand & 0x0f;
        int total = V2_FIXED + length;
        if (command == 0) { // LOCAL: the balancer's own connection
            return new ProxyHeader(total, null);
        }
        if (command != 1) {
            throw new IllegalArgumentException("a PROXY v2 header with command " + command);
        }
        int a = offset + V2_FIXED;
        return switch (family) {
            case 0x11 -> address(data, a, 4, length, 12, total); // TCP over IPv4
            case 0x21 -> address(data, a, 16, length, 36, total); // TCP over IPv6
            default -> new ProxyHeader(total, null); // UNSPEC, UDP, unix sockets: no TCP client to name
        };
    }

    private static ProxyHeader address(byte[] data, int at, int size, int length, int needed, int total) {
        if (length < needed) {
            throw new IllegalArgumentException("a PROXY v2 header too short for its addresses");
        }
        try {
            InetAddress source = InetAddress.getByAddress(Arrays.copyOfRange(data, at, at + size));
            int port = (data[at + 2 * size] & 0xff) << 8 | data[at + 2 * size + 1] & 0xff;
            return new ProxyHeader(total, new InetSocketAddress(source, port));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("a PROXY v2 header with a malformed address");
        }
    }

    /** A numeric address of the family's size: never a name to look up. */
    private static InetAddress literal(String text, int size) {
        boolean numeric = size == 4 ? text.matches("\\d{1,3}(\\.\\d{1,3}){3}") : text.matches("[0-9A-Fa-f:.]{2,45}")
                && text.contains(":");
        if (!numeric) {
            throw new IllegalArgumentException("a PROXY v1 line with a malformed address");
        }
        try {
            InetAddress a = InetAddress.getByName(text);
            if (size == 4 && a.getAddress().length != 4) { // TCP6 may carry an IPv4-mapped address
                throw new IllegalArgumentException("a PROXY v1 line whose address is not of its family");
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("a PROXY v1 line with a malformed address");
        }
    }

    private static int port(String text) {
        if (!text.matches("\\d{1,5}") || Integer.parseInt(text) > 65535) {
            throw new IllegalArgumentException("a PROXY v1 line with a malformed port");
        }
        return Integer.parseInt(text);
    }

    private static boolean startsWith(byte[] data, int offset, int available, byte[] prefix) {
        return available >= prefix.length && isPrefix(data, offset, prefix.length, prefix);
    }

    /** Whether the first {@code n} bytes agree with {@code prefix} (n at most its length). */
    private static boolean isPrefix(byte[] data, int offset, int n, byte[] prefix) {
        for (int i = 0; i < Math.min(n, prefix.length); i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}

package dev.ferry.bastion.ssh.frontdoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ferry.bastion.net.ProxyBalancer;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PROXY protocol headers as HAProxy writes them (proxy-protocol.txt), whole, cut short and malformed. */
class ProxyHeaderTest {
    private static final byte[] SSH = "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII);

    private static ProxyHeader parse(byte[] b) {
        return ProxyHeader.parse(b, 0, b.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void readsVersionOneLinesAndLeavesTheClientsBytes() throws Exception {
        byte[] line = "PROXY TCP4 203.0.113.7 10.0.0.5 51234 2222\r\n".getBytes(StandardCharsets.US_ASCII);
        ProxyHeader h = parse(concat(line, SSH));
        assertEquals(line.length, h.length());
        assertEquals(new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 51234), h.source());
        ProxyHeader six = parse("PROXY TCP6 2001:db8::7 2001:db8::5 40000 2222\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 40000), six.source());
        assertNull(parse("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n".getBytes(StandardCharsets.US_ASCII)).source(),
                "the balancer speaking for itself");
    }

    @Test
    void readsVersionTwoHeaders() throws Exception {
        byte[] header = ProxyBalancer.v2(1, 0x11, ProxyBalancer.tcp4("198.51.100.9", 40001, "10.0.0.5", 2222));
        ProxyHeader h = parse(concat(header, SSH));
        assertEquals(header.length, h.length());
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 40001), h.source());
        ByteArrayOutputStream six = new ByteArrayOutputStream();
        six.writeBytes(InetAddress.getByName("2001:db8::9").getAddress());
        six.writeBytes(InetAddress.getByName("2001:db8::5").getAddress());
        six.writeBytes(new byte[] {(byte) 0x9c, 0x41, 0x08, (byte) 0xae, 0x01, 0x02, 0x03}); // ports, then a TLV's bytes
        assertEquals(new InetSocketAddress(InetAddress.getByName("2001:db8::9"), 40001),
                parse(ProxyBalancer.v2(1, 0x21, six.toByteArray())).source());
        assertNull(parse(ProxyBalancer.v2(0, 0x00, new byte[0])).source(), "LOCAL: a health check");
    }

    @Test
    void aHeaderCutShortAsksForMore() throws Exception {
        byte[] v1 = "PROXY TCP4 203.0.113.7 10.0.0.5 51234 2222\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] v2 = ProxyBalancer.v2(1, 0x11, ProxyBalancer.tcp4("198.51.100.9", 40001, "10.0.0.5", 2222));
        for (byte[] whole : new byte[][] {v1, v2}) {
            for (int n = 0; n < whole.length; n++) {
                assertSame(ProxyHeader.INCOMPLETE, ProxyHeader.parse(whole, 0, n), "first " + n + " bytes");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SSH-2.0-OpenSSH_9.2\r\n", "GET / HTTP/1.1\r\n", "PROXY TCP4 bastion.example 10.0.0.5 1 2\r\n",
            "PROXY TCP4 203.0.113.7 10.0.0.5 99999 2222\r\n", "PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n",
            "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "PROXY TCP4 ::1 5.6.7.8 1 2\r\n"})
    void whatIsNoHeaderIsRefused(String start) {
        assertThrows(IllegalArgumentException.class, () -> parse(start.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aVersionOneLineWithoutItsEndIsRefusedAfter107Bytes() {
        byte[] endless = ("PROXY TCP4 " + "1".repeat(200)).getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> parse(endless));
        byte[] bad = ProxyBalancer.v2(1, 0x11, new byte[5]);
        assertThrows(IllegalArgumentException.class, () -> parse(bad), "addresses cut short inside the header");
        byte[] version3 = ProxyBalancer.v2(1, 0x11, new byte[12]);
        version3[12] = 0x31;
        assertThrows(IllegalArgumentException.class, () -> parse(version3));
    }
}

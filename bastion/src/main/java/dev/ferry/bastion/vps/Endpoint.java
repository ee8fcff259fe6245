package dev.ferry.bastion.vps;

import dev.ferry.bastion.FerryException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a VPS's sshd listens: a host name or IP literal and a TCP port. */
public record Endpoint(String host, int port) {
    private static final Pattern HOSTNAME =
            Pattern.compile("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]{2,45}");
    /** Two or more zero groups in a row, with the colons around them, in Java's long IPv6 form. */
    private static final Pattern ZERO_GROUPS = Pattern.compile("(?:^|:)0(?::0)+(?::|$)");

    public Endpoint {
        if (host == null || !(HOSTNAME.matcher(host).matches() && !looksLikeBadIpv4(host) || isIpv6(host))) {
            throw FerryException.invalid("endpoint host '" + VpsRef.printable(host)
                    + "' is not a host name or IP address");
        }
        if (port < 1 || port > 65535) {
            throw FerryException.invalid("endpoint port must be between 1 and 65535, got " + port);
        }
    }

    /** Parses {@code host:port}, {@code [v6]:port}. */
    public static Endpoint parse(String text) {
        String s = text == null ? "" : text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw badEndpoint(text);
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (!isIpv6(host)) {
                throw badEndpoint(text);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) {
                throw badEndpoint(text);
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (!port.matches("[0-9]{1,5}")) {
            throw badEndpoint(text);
        }
        return new Endpoint(host, Integer.parseInt(port));
    }

    private static boolean isIpv6(String host) {
        if (host.indexOf(':') < 0 || !IPV6.matcher(host).matches()) {
            return false;
        }
        try {
            java.net.InetAddress.getByName(host); // a literal with ':' is parsed, never looked up
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Whether the host is an IP literal (then it is parsed, never looked up). */
    public boolean isIpLiteral() {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    /** Digits and dots only, but not four numbers of 0 to 255: 999.999.999.999 is no address and no name. */
    private static boolean looksLikeBadIpv4(String host) {
        if (!host.matches("[0-9.]+")) {
            return false;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return true;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                return true;
            }
        }
        return false;
    }

    private static FerryException badEndpoint(String text) {
        return FerryException.invalid("endpoint '" + VpsRef.printable(text)
                + "' is not HOST:PORT (for example 10.0.0.5:22 or [fd00::5]:22)");
    }

    /** {@code host:port}, with an IPv6 literal in brackets: {@code [fd00::5]:22}. */
    /** An IP address as people write it: IPv6 with its longest run of zero groups as {@code ::} (RFC 5952). */
    public static String address(InetAddress address) {
        String s = address.getHostAddress().replaceAll("%.*$", "");
        if (!(address instanceof Inet6Address)) {
            return s;
        }
        Matcher m = ZERO_GROUPS.matcher(s);
        int start = -1;
        int end = -1;
        while (m.find()) {
            if (m.end() - m.start() > end - start) {
                start = m.start();
                end = m.end();
            }
        }
        return start < 0 ? s : s.substring(0, start) + "::" + s.substring(end);
    }

    public static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return hostPort(host, port);
    }
}

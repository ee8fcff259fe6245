package dev.ferry.bastion.net;

import java.net.Inet6Address;
import java.net.InetAddress;

/** How penalties, caps and the logs name the source of a connection or request. */
public final class Sources {
    private Sources() {
    }

    /** IPv4 by address, IPv6 by its /64 ({@code 2001:db8:1:2::/64}): one host holds a whole /64. */
    public static String of(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                s.append(Integer.toHexString((b[i] & 0xff) << 8 | b[i + 1] & 0xff)).append(':');
            }
            return s.append(":/64").toString();
        }
        return a.getHostAddress();
    }
}

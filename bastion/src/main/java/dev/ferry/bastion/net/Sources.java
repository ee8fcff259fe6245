package dev.ferry.bastion.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;

/** How penalties name the source of a connection or request. */
public final class Sources {
    private Sources() {
    }

    /** IPv4 by address, IPv6 by its /64: one host holds a whole /64. */
    public static String of(InetAddress a) {
        if (a instanceof Inet6Address) {
            return HexFormat.of().formatHex(Arrays.copyOf(a.getAddress(), 8)) + "::/64";
        }
        return a.getHostAddress();
    }
}

package dev.ferry.bastion.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * The load balancers ({@code proxy_protocol_from}) whose connections start with a PROXY protocol header, on the
 * SSH port and on the API's: only from them is the header read, so nobody else can name a client address of
 * their choosing.
 */
public record TrustedProxies(List<Cidr> networks) {
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    public TrustedProxies {
        networks = List.copyOf(networks);
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    /** Whether a connection from {@code peer} comes through a listed load balancer. */
    public boolean contains(SocketAddress peer) {
        return peer instanceof InetSocketAddress a && a.getAddress() != null && contains(a.getAddress());
    }

    public boolean contains(InetAddress address) {
        return networks.stream().anyMatch(c -> c.contains(address));
    }
}

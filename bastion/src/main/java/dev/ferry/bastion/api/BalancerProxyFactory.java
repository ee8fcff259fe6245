package dev.ferry.bastion.api;

import dev.ferry.bastion.net.TrustedProxies;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ProxyConnectionFactory;

/**
 * Jetty's PROXY protocol (v1 and v2) for connections from the listed load balancers only: theirs may start with a
 * header naming the client, which the API's logs and the runners' enrollment then see; a connection from anywhere
 * else goes straight to the next protocol, where a header is no request and is refused as one.
 */
final class BalancerProxyFactory extends ProxyConnectionFactory {
    private final TrustedProxies balancers;
    private final String next;

    BalancerProxyFactory(String next, TrustedProxies balancers) {
        super(next);
        this.next = next;
        this.balancers = balancers;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        if (balancers.contains(endPoint.getRemoteSocketAddress())) {
            return super.newConnection(connector, endPoint);
        }
        return connector.getConnectionFactory(next).newConnection(connector, endPoint);
    }
}

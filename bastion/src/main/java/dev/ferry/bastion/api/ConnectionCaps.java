package dev.ferry.bastion.api;

import dev.ferry.bastion.Tally;
import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.net.Sources;
import dev.ferry.bastion.net.TrustedProxies;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.io.SelectorManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the API's open connections, in all and per source address (IPv6 by its /64, which one client holds as
 * easily as one address). A connection over a cap is closed as it is accepted, before a byte is read: Jetty's
 * own limit stops accepting instead, which leaves the extra clients waiting in the backlog for a long time.
 */
final class ConnectionCaps implements SelectorManager.AcceptListener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionCaps.class);

    private final int maxConnections;
    private final int maxPerSource;
    /** The source of every connection counted, so each is counted down exactly once. */
    private final Map<SelectableChannel, String> open = new HashMap<>();
    private final Tally<String> counted = new Tally<>();
    /** A flood is logged once per source every 10 s. */
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10));

    /** Connections from these count in all only: one source for every client behind them. */
    private final TrustedProxies balancers;

    ConnectionCaps(int maxConnections, int maxPerSource) {
        this(maxConnections, maxPerSource, TrustedProxies.NONE);
    }

    ConnectionCaps(int maxConnections, int maxPerSource, TrustedProxies balancers) {
        this.maxConnections = maxConnections;
        this.maxPerSource = maxPerSource;
        this.balancers = balancers;
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        String source = source(channel);
        String refusal;
        synchronized (this) {
            refusal = counted.total() >= maxConnections ? maxConnections + " connections are open in all"
                    : counted.of(source) >= maxPerSource && !fromBalancer(channel)
                    ? maxPerSource + " connections are open from " + source : null;
            if (refusal == null) {
                open.put(channel, source);
                counted.add(source);
            }
        }
        if (refusal != null) {
            int more = throttle.admit(source);
            if (more >= 0) {
                log.warn("api connection from {} refused: {}{}", source, refusal, throttle.more(more));
            }
            close(channel);
        }
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        onClosed(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        synchronized (this) {
            String source = open.remove(channel);
            if (source != null) {
                counted.remove(source);
            }
        }
    }

    private boolean fromBalancer(SelectableChannel channel) {
        try {
            return channel instanceof SocketChannel socket && balancers.contains(socket.getRemoteAddress());
        } catch (IOException e) {
            return false;
        }
    }

    private static String source(SelectableChannel channel) {
        try {
            if (channel instanceof SocketChannel socket
                    && socket.getRemoteAddress() instanceof InetSocketAddress remote) {
                return Sources.of(remote.getAddress());
            }
        } catch (IOException e) {
            // already closed: it counts as one unknown source until Jetty reports it closed
        }
        return "an unknown address";
    }

    private static void close(SelectableChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing a refused api connection failed: {}", e.toString());
        }
    }
}

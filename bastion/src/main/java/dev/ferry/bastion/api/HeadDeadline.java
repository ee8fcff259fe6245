package dev.ferry.bastion.api;

import dev.ferry.bastion.DaemonThreads;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has not delivered a whole request head within the head time: from the moment it
 * opened (so the TLS handshake counts too), or from the end of its previous answer. Jetty's idle timeout
 * alone restarts on every byte, so a client dripping one byte a second would hold a connection for ever;
 * this clock does not restart. While a request is being handled its connection is out of this clock (the
 * body has its own limit, in {@link JettyAdapter}).
 */
final class HeadDeadline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeadDeadline.class);
    /** How often the clock looks: a slow client is cut off at most this much after its time. */
    private static final long SWEEP_MILLIS = 200;
    private static final long HANDLING = Long.MAX_VALUE;

    private final long headMillis;
    private final Supplier<Collection<EndPoint>> connected;
    /** Per network connection: when its current head began, or {@link #HANDLING}. */
    private final Map<EndPoint, Long> since = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("ferry-api-head-deadline"));

    HeadDeadline(Duration headTime, Supplier<Collection<EndPoint>> connected) {
        this.headMillis = headTime.toMillis();
        this.connected = connected;
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A request on {@code endPoint} has its whole head: its clock stops. */
    void handling(EndPoint endPoint) {
        since.put(network(endPoint), HANDLING);
    }

    /** The answer on {@code endPoint} is written: the next request's head starts now. */
    void answered(EndPoint endPoint) {
        since.put(network(endPoint), System.currentTimeMillis());
    }

    private void sweep() {
        try {
            long now = System.currentTimeMillis();
            Collection<EndPoint> open = connected.get();
            since.keySet().retainAll(open);
            for (EndPoint e : open) {
                long start = since.computeIfAbsent(e, EndPoint::getCreatedTimeStamp);
                if (start != HANDLING && now - start > headMillis) {
                    since.remove(e);
                    log.warn("api connection from {} closed: no whole request head within {} ms",
                            e.getRemoteSocketAddress(), headMillis);
                    e.close();
                }
            }
        } catch (RuntimeException e) {
            // the clock must outlive any one connection's trouble
            log.error("api head deadline sweep failed", e);
        }
    }

    /** The network connection under a TLS one. */
    private static EndPoint network(EndPoint endPoint) {
        EndPoint e = endPoint;
        while (e instanceof EndPoint.Wrapper w) {
            e = w.unwrap();
        }
        return e;
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}

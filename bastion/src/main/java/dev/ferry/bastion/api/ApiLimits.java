package dev.ferry.bastion.api;

import java.time.Duration;
import java.util.Objects;

/**
 * What the control API's transport allows one client, checked once here. The API answers runners and admins,
 * a few requests a second of a few KiB each, so every limit is far above what they need and far below what
 * would let a few slow or greedy clients hold the Host: a heartbeat never waits behind them.
 *
 * @param maxHeaderBytes   the request line and headers together; more is answered 431. Default 8 KiB
 * @param maxBodyBytes     a request body; more is answered 413. Default 1 MiB
 * @param headTime         from a request's first byte (the TLS handshake included, on a new connection) to
 *                         its last header: the whole head, however it is dripped; the connection is closed
 *                         after it. Default 10 s
 * @param bodyTime         from the end of the head to the body's last byte; answered 408 and closed after
 *                         it. Default 20 s
 * @param idleTimeout      a connection that sends nothing at all for this long is closed. Default 30 s
 * @param maxConnections   open connections in all; one more is closed at once. Default 4096: idle connections
 *                         cost Jetty no thread, and 128 sources (or /64s) at their cap must not lock runners out
 * @param maxPerSource     open connections from one address (IPv6: one /64); one more is closed at once.
 *                         Default 32
 * @param workers          threads that parse requests and run the API's handlers (Jetty's selector and
 *                         acceptor threads included). Default 16
 * @param queuedTasks      tasks that may wait for a worker; the pool refuses (closes) beyond. Default 256
 */
public record ApiLimits(int maxHeaderBytes, int maxBodyBytes, Duration headTime, Duration bodyTime,
                        Duration idleTimeout, int maxConnections, int maxPerSource, int workers, int queuedTasks) {
    public static final ApiLimits DEFAULTS = new ApiLimits(8 * 1024, 1 << 20, Duration.ofSeconds(10),
            Duration.ofSeconds(20), Duration.ofSeconds(30), 4096, 32, 16, 256);

    public ApiLimits {
        Objects.requireNonNull(headTime, "headTime");
        Objects.requireNonNull(bodyTime, "bodyTime");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxBodyBytes", maxBodyBytes);
        positive("headTime", headTime.toMillis());
        positive("bodyTime", bodyTime.toMillis());
        positive("idleTimeout", idleTimeout.toMillis());
        positive("maxConnections", maxConnections);
        positive("maxPerSource", maxPerSource);
        positive("queuedTasks", queuedTasks);
        if (workers < 8) {
            // Jetty takes one acceptor and up to a few selector threads out of the pool first
            throw new IllegalArgumentException("workers must be at least 8, got " + workers);
        }
    }

    /** These limits with other connection caps (tests). */
    public ApiLimits withConnections(int maxConnections, int maxPerSource) {
        return new ApiLimits(maxHeaderBytes, maxBodyBytes, headTime, bodyTime, idleTimeout, maxConnections,
                maxPerSource, workers, queuedTasks);
    }

    /** These limits with other time limits (tests). */
    public ApiLimits withTimes(Duration headTime, Duration bodyTime, Duration idleTimeout) {
        return new ApiLimits(maxHeaderBytes, maxBodyBytes, headTime, bodyTime, idleTimeout, maxConnections,
                maxPerSource, workers, queuedTasks);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}

package dev.ferry.bastion.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Host's Prometheus metrics, counted where the log and the audit events are written (one set per process,
 * as a process runs one Host). {@link #scrape} adds a Host's own gauges (VPS and runners by status), which it
 * reads from its registry at each scrape. docs/operations.md lists every metric.
 */
public final class Metrics {
    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
    /** Seconds: from a millisecond to a few seconds, where API calls and registry queries fall. */
    private static final double[] LATENCY = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    /** SSH logins: {@code result} accepted, or refused (a connection that ended with keys refused). */
    public static final Counter LOGINS = Counter.builder().name("ferry_logins")
            .help("SSH logins by result: accepted, or refused (keys tried, none accepted)")
            .labelNames("result").register(REGISTRY);
    /** Logged-in SSH connections now, by what the user name asked for: a VPS, or the jump user. */
    public static final Gauge SESSIONS = Gauge.builder().name("ferry_sessions_open")
            .help("Logged-in SSH connections now, by login: vps (vps-<id> or vps-<name>) or jump")
            .labelNames("login").register(REGISTRY);
    /** Channels to VPS open now: ProxyJump forwards ({@code jump}) and plain mode's bridged channels. */
    public static final Gauge CHANNELS = Gauge.builder().name("ferry_channels_open")
            .help("Channels to VPS open now, by mode: jump (forwards to a VPS's sshd) or plain (bridged channels)")
            .labelNames("mode").register(REGISTRY);
    public static final Counter CHANNELS_CLOSED = Counter.builder().name("ferry_channels")
            .help("Channels to VPS that ended, by mode: jump or plain").labelNames("mode").register(REGISTRY);
    public static final Counter BYTES = Counter.builder().name("ferry_channel_bytes")
            .help("Bytes carried by channels that ended, by mode and direction: to_vps or from_vps")
            .labelNames("mode", "direction").register(REGISTRY);
    public static final Counter REFUSED = Counter.builder().name("ferry_channels_refused")
            .help("Channels and forwards the bastion refused").register(REGISTRY);
    public static final Counter FORCED_ENDS = Counter.builder().name("ferry_sessions_ended_by_revocation")
            .help("Sessions and forwards ended because the access they relied on was taken away").register(REGISTRY);
    public static final Counter PENALTIES = Counter.builder().name("ferry_penalties")
            .help("Penalties given to source addresses (failed logins, no login, drops)").register(REGISTRY);
    public static final Histogram API = Histogram.builder().name("ferry_api_request_seconds")
            .help("Control API requests by method and status, and how long each took")
            .labelNames("method", "status").classicOnly().classicUpperBounds(LATENCY).register(REGISTRY);
    public static final Histogram REGISTRY_CALLS = Histogram.builder().name("ferry_registry_seconds")
            .help("Registry calls by kind (query or transaction), and how long each took")
            .labelNames("kind").classicOnly().classicUpperBounds(LATENCY).register(REGISTRY);

    private Metrics() {
    }

    /** A channel to a VPS opened: {@code mode} jump or plain. */
    public static void channelOpened(String mode) {
        CHANNELS.labelValues(mode).inc();
    }

    /** A channel counted by {@link #channelOpened} ended, having carried these bytes. */
    public static void channelClosed(String mode, long toVps, long fromVps) {
        CHANNELS.labelValues(mode).dec();
        CHANNELS_CLOSED.labelValues(mode).inc();
        BYTES.labelValues(mode, "to_vps").inc(toVps);
        BYTES.labelValues(mode, "from_vps").inc(fromVps);
    }

    /** An HTTP method as a label: the API's own, or "other" (a client's made-up method is no new series). */
    public static String method(String method) {
        return switch (method) {
            case "GET", "POST", "PUT", "DELETE", "HEAD" -> method;
            default -> "other";
        };
    }

    /** The text exposition format of this process's metrics and {@code host}'s own. */
    public static byte[] scrape(PrometheusRegistry host) {
        List<MetricSnapshot> all = new ArrayList<>();
        REGISTRY.scrape().forEach(all::add);
        host.scrape().forEach(all::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, new io.prometheus.metrics.model.snapshots.MetricSnapshots(
                    all));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The content type of {@link #scrape}. */
    public static String contentType() {
        return PrometheusTextFormatWriter.create().getContentType();
    }
}

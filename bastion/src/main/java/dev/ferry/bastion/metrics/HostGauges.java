package dev.ferry.bastion.metrics;

import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.fleet.RunnerRegistry;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.VpsStatus;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;

/** A Host's gauges, read from its registry at each scrape: VPS by status, runners online and offline. */
public final class HostGauges {
    private final PrometheusRegistry registry = new PrometheusRegistry();

    public HostGauges(VpsRegistry vps, RunnerRegistry runners) {
        GaugeWithCallback.builder().name("ferry_vps").help("VPS in the registry, by status").labelNames("status")
                .callback(cb -> {
                    Map<VpsStatus, Integer> counts = vps.countByStatus();
                    for (VpsStatus s : VpsStatus.values()) {
                        cb.call(counts.getOrDefault(s, 0), s.word());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("ferry_runners").help("Runners in the registry, online or offline")
                .labelNames("status").callback(cb -> {
                    int online = 0;
                    int offline = 0;
                    for (Runner r : runners.list()) {
                        if (r.online()) {
                            online++;
                        } else {
                            offline++;
                        }
                    }
                    cb.call(online, "online");
                    cb.call(offline, "offline");
                }).register(registry);
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** The text exposition of the process's metrics and these gauges. */
    public byte[] scrape() {
        return Metrics.scrape(registry);
    }
}

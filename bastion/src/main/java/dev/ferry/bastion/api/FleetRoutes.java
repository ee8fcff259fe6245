package dev.ferry.bastion.api;

import dev.ferry.bastion.fleet.Fleet;
import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The runner endpoints (runner token) and {@code GET /api/v1/nodes} (admin token). */
public final class FleetRoutes {
    private final Fleet fleet;
    private final VpsRegistry registry;
    private final Clock clock;

    public FleetRoutes(Fleet fleet, VpsRegistry registry, Clock clock) {
        this.fleet = fleet;
        this.registry = registry;
        this.clock = clock;
    }

    /** A runner in {@code ferry node list}. */
    public record NodeView(String name, String address, String status, String lastHeartbeat, long secondsSinceHeartbeat,
                           int vpsCount, int cpus, long memoryBytes, boolean dockerOk, String dockerError) {
    }

    public Router register(Router router) {
        return router
                .runnerRoute("POST", "/api/v1/runners/register", req -> Router.Response.ok(
                        fleet.register(Json.read(req.body(), RegisterRequest.class))))
                .runnerRoute("POST", "/api/v1/runners/{name}/heartbeat", req -> Router.Response.ok(
                        fleet.heartbeat(req.param(0), Json.read(req.body(), HeartbeatRequest.class))))
                .route("GET", "/api/v1/nodes", req -> Router.Response.ok(Map.of("nodes", nodes())));
    }

    private List<NodeView> nodes() {
        return fleet.runners().list().stream().map(this::view).toList();
    }

    private NodeView view(Runner r) {
        long ago = Math.max(0, java.time.Duration.between(r.lastHeartbeat(), clock.instant()).toSeconds());
        return new NodeView(r.name(), r.address(), r.statusWord(), r.lastHeartbeat().toString(), ago,
                registry.onRunner(r.name()).size(), r.cpus(), r.memoryBytes(), r.dockerOk(), r.dockerError());
    }
}

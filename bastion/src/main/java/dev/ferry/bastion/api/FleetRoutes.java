package dev.ferry.bastion.api;

import dev.ferry.api.NodeView;
import dev.ferry.api.TokenRequest;
import dev.ferry.api.TokenView;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.fleet.Fleet;
import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.fleet.RunnerTrust;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The runner endpoints (enrollment with a join token, then each runner's own credential) and the admin's
 * {@code /api/v1/nodes} (list, one-time join tokens, removal).
 */
public final class FleetRoutes {
    private final Fleet fleet;
    private final RunnerTrust trust;
    private final VpsRegistry registry;
    private final Clock clock;
    private final Supplier<String> apiFingerprint;

    /** @param apiFingerprint the API's TLS key as runners pin it now ({@code sha256:...}), or null without TLS */
    public FleetRoutes(Fleet fleet, RunnerTrust trust, VpsRegistry registry, Clock clock,
                       Supplier<String> apiFingerprint) {
        this.fleet = fleet;
        this.trust = trust;
        this.registry = registry;
        this.clock = clock;
        this.apiFingerprint = apiFingerprint;
    }

    public Router register(Router router) {
        return router
                .joinRoute("POST", "/api/v1/runners/enroll", req -> Router.Response.ok(
                        trust.enroll(req.caller(), RequestBodies.read(req.body(), EnrollRequest.class), req.from())))
                .runnerRoute("POST", "/api/v1/runners/register", req -> Router.Response.ok(
                        fleet.register(req.caller(), RequestBodies.read(req.body(), RegisterRequest.class))))
                .runnerRoute("POST", "/api/v1/runners/{name}/heartbeat", req -> Router.Response.ok(
                        fleet.heartbeat(req.caller(), req.param(0),
                                RequestBodies.read(req.body(), HeartbeatRequest.class))))
                .route("GET", "/api/v1/nodes", Need.READ_ALL, req -> Router.Response.ok(Map.of("nodes", nodes())))
                .route("POST", "/api/v1/nodes/tokens", req -> Router.Response.created(joinToken(req.body())))
                .route("DELETE", "/api/v1/nodes/{name}", req -> Router.Response.ok(remove(req.param(0))));
    }

    private TokenView joinToken(byte[] body) {
        TokenRequest r = body.length == 0 ? new TokenRequest(null) : RequestBodies.read(body, TokenRequest.class);
        Duration ttl = r.ttlSeconds() == null ? RunnerTrust.DEFAULT_JOIN_TTL : Duration.ofSeconds(r.ttlSeconds());
        RunnerTrust.JoinToken t = trust.newJoinToken(ttl);
        return new TokenView(t.token(), t.expires().toString(), apiFingerprint.get());
    }

    private Map<String, Object> remove(String name) {
        if (!fleet.runners().remove(name)) {
            throw FerryException.notFound("no runner '" + name + "' is enrolled (see: ferry node list)");
        }
        return Map.of("removed", name, "vps_placed", registry.onRunner(name).size());
    }

    private List<NodeView> nodes() {
        return fleet.runners().list().stream().map(this::view).toList();
    }

    private NodeView view(Runner r) {
        long ago = Math.max(0, java.time.Duration.between(r.lastHeartbeat(), clock.instant()).toSeconds());
        return new NodeView(r.name(), r.address(), r.statusWord(), r.lastHeartbeat().toString(), ago,
                registry.onRunner(r.name()).size(), r.cpus(), r.memoryBytes(), r.dockerOk(), r.dockerError(),
                r.enrollment().portRange(), r.enrollment().onHostMachine());
    }
}

package dev.ferry.bastion.api;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.api.Router.Request;
import dev.ferry.bastion.api.Router.Response;
import dev.ferry.bastion.fleet.Fleet;
import dev.ferry.bastion.fleet.VpsAction;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The VPS and key endpoints of the control API, over the registry. */
public final class VpsRoutes {
    static final String VPS = "/api/v1/vps";

    private final VpsRegistry registry;
    private final Fleet fleet;

    public VpsRoutes(VpsRegistry registry, Fleet fleet) {
        this.registry = registry;
        this.fleet = fleet;
    }

    /** Adds this class's routes to a router. */
    public Router register(Router router) {
        return router
                .open("GET", "/api/v1/health", req -> Response.ok(Map.of("status", "ok")))
                .route("GET", VPS, req -> Response.ok(list()))
                .route("POST", VPS, this::create)
                .route("GET", VPS + "/{ref}", req -> Response.ok(detail(registry.get(ref(req)))))
                .route("DELETE", VPS + "/{ref}", req -> Response.ok(Map.of("removed",
                        VpsView.of(registry.remove(ref(req)), null))))
                .route("GET", VPS + "/{ref}/keys", req -> Response.ok(Map.of("keys",
                        registry.keys(ref(req)).stream().map(KeyView::of).toList())))
                .route("POST", VPS + "/{ref}/keys", this::addKeys)
                .route("PUT", VPS + "/{ref}/host-key", this::setHostKey)
                .route("PUT", VPS + "/{ref}/name", this::rename)
                .route("DELETE", VPS + "/{ref}/keys/{fingerprint}", req -> Response.ok(Map.of("removed",
                        KeyView.of(registry.removeKey(ref(req), req.param(1))))))
                .route("POST", VPS + "/{ref}/{action}", req -> Response.ok(detail(
                        fleet.act(ref(req), VpsAction.fromWord(req.param(1))))));
    }

    private Map<String, List<VpsView>> list() {
        return Map.of("vps", registry.list().stream().map(v -> VpsView.of(v, null)).toList());
    }

    private Response create(Request req) {
        Requests.CreateVps body = Json.read(req.body(), Requests.CreateVps.class);
        if ((body.endpoint() == null) == (body.image() == null)) {
            throw FerryException.invalid("give either 'endpoint' (an external sshd) or 'image' (a VPS on a runner)");
        }
        if (body.image() != null) {
            if (body.hostKey() != null) {
                throw FerryException.invalid("'host_key' goes with 'endpoint': a runner reports the host key of "
                        + "the VPS it runs");
            }
            return Response.created(detail(fleet.create(new Fleet.CreateRequest(body.name(), body.image(),
                    Requests.parseKeys(body.keys()), body.runner(), body.cpus(), body.memoryBytes()))));
        }
        if (body.runner() != null || body.cpus() != null || body.memoryBytes() != null) {
            throw FerryException.invalid("'runner', 'cpus' and 'memory_bytes' go with 'image', not with 'endpoint'");
        }
        Endpoint endpoint = Endpoint.parse(body.endpoint());
        NewVps vps = new NewVps(body.name(), endpoint, Requests.parseKeys(body.keys()), null,
                Requests.parseHostKey(body.hostKey()));
        return Response.created(detail(registry.create(vps)));
    }

    private Response addKeys(Request req) {
        VpsRef ref = ref(req);
        Requests.AddKeys body = Json.read(req.body(), Requests.AddKeys.class);
        return Response.created(Map.of("added", registry.addKeys(ref, Requests.parseKeys(body.keys()))
                .stream().map(KeyView::of).toList()));
    }

    private Response rename(Request req) {
        Requests.Rename body = Json.read(req.body(), Requests.Rename.class);
        if (body.name() == null) {
            throw FerryException.invalid("give 'name': the VPS's new name");
        }
        return Response.ok(detail(registry.rename(ref(req), body.name())));
    }

    /** An external VPS's sshd got new host keys on purpose: the bastion expects the new one from now on. */
    private Response setHostKey(Request req) {
        Vps v = registry.get(ref(req));
        Requests.SetHostKey body = Json.read(req.body(), Requests.SetHostKey.class);
        if (body.hostKey() == null) {
            throw FerryException.invalid("give 'host_key': the public key its sshd presents");
        }
        if (v.onRunner()) {
            throw FerryException.invalid(v.sshUser() + " runs on runner " + v.placement().runner() + ", which reports "
                    + "its host key itself");
        }
        OptionalLong holder = registry.replaceHostKey(v.id(), Requests.parseHostKey(body.hostKey()));
        if (holder.isPresent()) {
            throw FerryException.conflict("vps-" + holder.getAsLong() + " already has this host key: one sshd cannot "
                    + "be two VPS (give each its own host key, or register it once)");
        }
        return Response.ok(detail(registry.get(VpsRef.ofId(v.id()))));
    }

    private VpsView detail(Vps v) {
        return VpsView.of(v, registry.keys(VpsRef.ofId(v.id())).stream().map(KeyView::of).toList(), runnerState(v));
    }

    /** "online, Docker ok", "online, Docker unreachable: ...", "offline, last heartbeat ..."; null if external. */
    private String runnerState(Vps v) {
        if (!v.onRunner()) {
            return null;
        }
        return fleet.runners().find(v.placement().runner()).map(r -> !r.online()
                ? "offline, " + r.lastHeard(java.time.Instant.now())
                : r.dockerOk() ? "online, Docker ok" : "online, Docker unreachable: " + r.dockerError())
                .orElse("not registered");
    }

    private static VpsRef ref(Request req) {
        return VpsRef.parse(req.param(0));
    }
}

package dev.ferry.bastion.api;

import dev.ferry.api.AddKeysRequest;
import dev.ferry.api.CreateVpsRequest;
import dev.ferry.api.KeyView;
import dev.ferry.api.PolicyRequest;
import dev.ferry.api.RenameRequest;
import dev.ferry.api.SetHostKeyRequest;
import dev.ferry.api.VpsView;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.api.Router.Request;
import dev.ferry.bastion.api.Router.Response;
import dev.ferry.bastion.fleet.Fleet;
import dev.ferry.bastion.fleet.VpsAction;
import dev.ferry.bastion.people.Principal;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.Removal;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsKey;
import dev.ferry.bastion.vps.VpsPolicy;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The VPS and key endpoints of the control API, over the registry. */
public final class VpsRoutes {
    static final String VPS = "/api/v1/vps";

    private final VpsRegistry registry;
    private final Fleet fleet;
    private final Runnable accessChanged;
    private final Authorizer authorizer;

    /**
     * @param accessChanged told after a change that may end sessions (a stop, a pause, a removal, a key or a policy
     *                      taken away), so this Host ends them at once with why, before the container goes
     * @param authorizer    which VPS a member sees in the list
     */
    public VpsRoutes(VpsRegistry registry, Fleet fleet, Runnable accessChanged, Authorizer authorizer) {
        this.registry = registry;
        this.fleet = fleet;
        this.accessChanged = accessChanged;
        this.authorizer = authorizer;
    }

    /** {@code answer}, once this Host's sessions have been told to look at their access again. */
    private <T> T thenSweep(T answer) {
        accessChanged.run();
        return answer;
    }

    /** Adds this class's routes to a router. */
    public Router register(Router router) {
        return router
                .open("GET", "/api/v1/health", req -> Response.ok(Map.of("status", "ok")))
                .route("GET", VPS, Need.VPS_LIST, req -> Response.ok(list(req.principal())))
                .route("POST", VPS, Need.CREATE, this::create)
                .route("GET", VPS + "/{ref}", Need.VPS_READ, req -> Response.ok(detail(registry.get(ref(req)))))
                .route("DELETE", VPS + "/{ref}", Need.VPS_MANAGE, req -> Response.ok(thenSweep(Map.of("removed",
                        vpsView(registry.remove(ref(req)), null, null)))))
                .route("GET", "/api/v1/removals/{id}", Need.ANYONE, this::removal)
                .route("GET", VPS + "/{ref}/keys", Need.VPS_READ, req -> Response.ok(Map.of("keys",
                        registry.keys(ref(req)).stream().map(VpsRoutes::keyView).toList())))
                .route("POST", VPS + "/{ref}/keys", Need.VPS_MANAGE, this::addKeys)
                .route("PUT", VPS + "/{ref}/host-key", Need.VPS_MANAGE, this::setHostKey)
                .route("PUT", VPS + "/{ref}/name", Need.VPS_MANAGE, this::rename)
                .route("PUT", VPS + "/{ref}/policy", Need.ADMIN, req -> thenSweep(policy(req)))
                .route("DELETE", VPS + "/{ref}/keys/{fingerprint}", Need.VPS_MANAGE, req -> Response.ok(thenSweep(
                        Map.of("removed", keyView(registry.removeKey(ref(req), req.param(1)))))))
                .route("POST", VPS + "/{ref}/{action}", Need.VPS_MANAGE, req -> Response.ok(thenSweep(detail(
                        fleet.act(ref(req), VpsAction.fromWord(req.param(1)))))));
    }

    private Map<String, List<VpsView>> list(Principal p) {
        return Map.of("vps", authorizer.visible(p, registry.list()).stream().map(v -> vpsView(v, null, null))
                .toList());
    }

    private Response create(Request req) {
        CreateVpsRequest body = RequestBodies.read(req.body(), CreateVpsRequest.class);
        if ((body.endpoint() == null) == (body.image() == null)) {
            throw FerryException.invalid("give either 'endpoint' (an external sshd) or 'image' (a VPS on a runner)");
        }
        if (body.image() != null) {
            if (body.hostKey() != null) {
                throw FerryException.invalid("'host_key' goes with 'endpoint': a runner reports the host key of "
                        + "the VPS it runs");
            }
            return Response.created(detail(fleet.create(new Fleet.CreateRequest(body.name(), body.image(),
                    RequestBodies.parseKeys(body.keys()), body.runner(), body.cpus(), body.memoryBytes(),
                    owner(req.principal())))));
        }
        if (req.principal() != null && req.principal().role() != Role.ADMIN) {
            // the bastion dials an external VPS's endpoint from the Host's own machine: naming one is an admin's
            throw FerryException.forbidden(req.principal().who() + " is " + (req.principal().role() == Role.MEMBER
                    ? "a member" : "an auditor") + ": registering an external VPS (an endpoint the bastion dials) "
                    + "is for admins; members create VPS on runners (--image)");
        }
        if (body.runner() != null || body.cpus() != null || body.memoryBytes() != null) {
            throw FerryException.invalid("'runner', 'cpus' and 'memory_bytes' go with 'image', not with 'endpoint'");
        }
        Endpoint endpoint = Endpoint.parse(body.endpoint());
        NewVps vps = new NewVps(body.name(), endpoint, RequestBodies.parseKeys(body.keys()), null,
                RequestBodies.parseHostKey(body.hostKey()));
        return Response.created(detail(registry.create(vps.ownedBy(owner(req.principal())))));
    }

    /** A VPS a person creates is theirs to manage from its creation on; one the admin token makes is nobody's. */
    private static String owner(Principal p) {
        return p == null ? null : p.person();
    }

    private Response addKeys(Request req) {
        VpsRef ref = ref(req);
        AddKeysRequest body = RequestBodies.read(req.body(), AddKeysRequest.class);
        return Response.created(Map.of("added", registry.addKeys(ref, RequestBodies.parseKeys(body.keys()))
                .stream().map(VpsRoutes::keyView).toList()));
    }

    private Response rename(Request req) {
        RenameRequest body = RequestBodies.read(req.body(), RenameRequest.class);
        if (body.name() == null) {
            throw FerryException.invalid("give 'name': the VPS's new name");
        }
        return Response.ok(detail(registry.rename(ref(req), body.name())));
    }

    private Response policy(Request req) {
        Vps v = registry.get(ref(req));
        PolicyRequest body = RequestBodies.read(req.body(), PolicyRequest.class);
        VpsPolicy now = v.policy();
        VpsPolicy next = new VpsPolicy(body.recording() == null ? now.recording()
                : VpsPolicy.Recording.fromWord(body.recording()), body.forwarding() == null ? now.forwarding()
                : VpsPolicy.Forwarding.fromWord(body.forwarding()));
        return Response.ok(detail(registry.setPolicy(VpsRef.ofId(v.id()), next)));
    }

    /** An external VPS's sshd got new host keys on purpose: the bastion expects the new one from now on. */
    private Response setHostKey(Request req) {
        Vps v = registry.get(ref(req));
        SetHostKeyRequest body = RequestBodies.read(req.body(), SetHostKeyRequest.class);
        if (body.hostKey() == null) {
            throw FerryException.invalid("give 'host_key': the public key its sshd presents");
        }
        if (v.onRunner()) {
            throw FerryException.invalid(v.sshUser() + " runs on runner " + v.placement().runner() + ", which reports "
                    + "its host key itself");
        }
        OptionalLong holder = registry.replaceHostKey(v.id(), RequestBodies.parseHostKey(body.hostKey()));
        if (holder.isPresent()) {
            throw FerryException.conflict("vps-" + holder.getAsLong() + " already has this host key: one sshd cannot "
                    + "be two VPS (give each its own host key, or register it once)");
        }
        return Response.ok(detail(registry.get(VpsRef.ofId(v.id()))));
    }

    private VpsView detail(Vps v) {
        return vpsView(v, registry.keys(VpsRef.ofId(v.id())).stream().map(VpsRoutes::keyView).toList(), runnerState(v));
    }

    /** A VPS as the API shows it; {@code keys} and {@code runnerState} are null in lists and in a removal. */
    private static VpsView vpsView(Vps v, List<KeyView> keys, String runnerState) {
        Placement p = v.placement();
        return new VpsView(Long.toString(v.id()), v.name(), v.status().word(), p == null ? null : p.runner(),
                runnerState, v.endpoint() == null ? null : v.endpoint().port(),
                v.endpoint() == null ? null : v.endpoint().toString(),
                p == null ? null : p.image(), p == null ? null : p.desired().word(), p == null ? null : p.cpus(),
                p == null ? null : p.memoryBytes(), v.lastError(), v.sshUser(), v.keyCount(), v.createdAt().toString(),
                v.updatedAt().toString(), keys, v.hostKey(), p == null ? null : v.hostCertified(),
                v.policy().recording().word(), v.policy().forwarding().word(),
                v.limits() == null ? null : v.limits().cpus(), v.limits() == null ? null : v.limits().memoryBytes());
    }

    static KeyView keyView(VpsKey k) {
        return keyView(k.key(), k.addedAt());
    }

    /** A stored key, a VPS's or a person's, as the API shows it. */
    static KeyView keyView(SshPublicKey key, Instant addedAt) {
        return new KeyView(key.type(), key.fingerprint(), key.comment(), key.toOpenSsh(), addedAt.toString());
    }

    /** "online, Docker ok", "online, Docker unreachable: ...", "offline, last heartbeat ..."; null if external. */
    private String runnerState(Vps v) {
        return v.onRunner() ? runnerState(v.placement().runner()) : null;
    }

    private String runnerState(String runner) {
        return fleet.runners().find(runner).map(r -> !r.online()
                ? "offline, " + r.lastHeard(java.time.Instant.now())
                : r.dockerOk() ? "online, Docker ok" : "online, Docker unreachable: " + r.dockerError())
                .orElse("not registered");
    }

    /** A removed VPS whose runner still had its container at its last report; 404 once it is gone. */
    private Response removal(Request req) {
        Long id = VpsRef.parse(req.param(0)).id();
        if (id == null) {
            throw FerryException.invalid("a removal is named by the removed VPS's id, not its name");
        }
        Removal r = registry.removal(id).orElseThrow(() -> FerryException.notFound("no container of vps-" + id
                + " is waiting to be removed (it is gone, or the VPS was never on a runner)"));
        return Response.ok(Map.of("id", Long.toString(id), "runner", r.runner(), "removed_at",
                r.removedAt().toString(), "runner_state", runnerState(r.runner())));
    }

    private static VpsRef ref(Request req) {
        return VpsRef.parse(req.param(0));
    }
}

package dev.ferry.bastion.api;

import dev.ferry.api.AccessView;
import dev.ferry.api.AddKeysRequest;
import dev.ferry.api.ApiTokenRequest;
import dev.ferry.api.ApiTokenView;
import dev.ferry.api.GrantRequest;
import dev.ferry.api.GrantView;
import dev.ferry.api.KeyView;
import dev.ferry.api.NewPersonRequest;
import dev.ferry.api.PersonView;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.api.Router.Request;
import dev.ferry.bastion.api.Router.Response;
import dev.ferry.bastion.log.AuditLog;
import dev.ferry.bastion.people.ApiToken;
import dev.ferry.bastion.people.Grant;
import dev.ferry.bastion.people.LoginUsers;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Person;
import dev.ferry.bastion.people.PersonKey;
import dev.ferry.bastion.people.Principal;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.people.Tokens;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * People, their keys and their grants to VPS (issue 22):
 * {@code /api/v1/users[/{name}[/keys[/{fingerprint}]|/disable|/enable]]} and
 * {@code /api/v1/vps/{ref}/grants/{person}}, {@code /api/v1/vps/{ref}/access}. A change that may take access away
 * (a person disabled or removed, a key removed, a grant revoked or shortened) has this Host's sessions look at
 * their access at once.
 */
public final class PeopleRoutes {
    static final String USERS = "/api/v1/users";
    /** How long a token lasts when its request does not say. */
    static final Duration DEFAULT_TTL = Duration.ofDays(30);

    static final String TOKENS = "/api/v1/tokens";

    private final People people;
    private final VpsRegistry registry;
    private final Tokens tokens;
    private final Runnable accessChanged;
    private final Clock clock;

    public PeopleRoutes(People people, VpsRegistry registry, Tokens tokens, Runnable accessChanged, Clock clock) {
        this.people = people;
        this.registry = registry;
        this.tokens = tokens;
        this.accessChanged = accessChanged;
        this.clock = clock;
    }

    private <T> T thenSweep(T answer) {
        accessChanged.run();
        return answer;
    }

    /** Adds this class's routes to a router. */
    public Router register(Router router) {
        String vps = VpsRoutes.VPS + "/{ref}";
        return router
                .route("GET", USERS, req -> Response.ok(Map.of("users", people.list().stream()
                        .map(p -> view(p, null, null)).toList())))
                .route("POST", USERS, this::add)
                .route("GET", USERS + "/{name}", req -> Response.ok(detail(people.get(req.param(0)))))
                .route("DELETE", USERS + "/{name}", req -> Response.ok(thenSweep(Map.of("removed",
                        view(people.remove(req.param(0)), null, null)))))
                .route("POST", USERS + "/{name}/disable", req -> Response.ok(thenSweep(detail(
                        disable(req.param(0), true, req.principal())))))
                .route("POST", USERS + "/{name}/enable", req -> Response.ok(detail(
                        disable(req.param(0), false, req.principal()))))
                .route("GET", USERS + "/{name}/keys", req -> Response.ok(Map.of("keys",
                        people.keys(req.param(0)).stream().map(PeopleRoutes::keyView).toList())))
                .route("POST", USERS + "/{name}/keys", this::addKeys)
                .route("DELETE", USERS + "/{name}/keys/{fingerprint}", req -> Response.ok(thenSweep(Map.of(
                        "removed", keyView(people.removeKey(req.param(0), req.param(1)))))))
                .route("POST", USERS + "/{name}/tokens", req -> issue(people.get(req.param(0)).name(), req))
                .route("GET", "/api/v1/whoami", Need.ANYONE, req -> Response.ok(whoami(req.principal())))
                .route("GET", TOKENS, Need.ANYONE, req -> Response.ok(Map.of("tokens", tokens.of(
                        person(req.principal())).stream().map(t -> tokenView(t, null)).toList())))
                .route("POST", TOKENS, Need.ANYONE, req -> issue(person(req.principal()), req))
                .route("DELETE", TOKENS + "/{id}", Need.ANYONE, req -> Response.ok(Map.of("revoked", tokenView(
                        tokens.revoke(person(req.principal()), req.param(0)), null))))
                .route("PUT", vps + "/grants/{person}", Need.VPS_MANAGE, this::grant)
                .route("DELETE", vps + "/grants/{person}", Need.VPS_MANAGE, req -> {
                    Vps v = registry.get(VpsRef.parse(req.param(0)));
                    return Response.ok(thenSweep(Map.of("revoked", grantView(people.revoke(v.id(), req.param(1)),
                            v))));
                })
                .route("GET", vps + "/access", Need.VPS_READ, req -> Response.ok(access(registry.get(
                        VpsRef.parse(req.param(0))))));
    }

    /** Tokens are a person's own: the admin token, which is nobody, makes them for people instead. */
    private static String person(Principal p) {
        if (p.person() == null) {
            throw FerryException.invalid("the admin token is no person and has no tokens of its own: make one for "
                    + "a person with: ferry user token NAME --name NAME");
        }
        return p.person();
    }

    /** A token lasts no longer than the one that asks for it: a leaked short one cannot make itself a long one. */
    private Response issue(String person, Request req) {
        ApiTokenRequest body = RequestBodies.read(req.body(), ApiTokenRequest.class);
        Duration ttl = Duration.ofSeconds(body.ttlSeconds() == null ? DEFAULT_TTL.toSeconds() : body.ttlSeconds());
        Instant callerEnds = req.principal().until();
        if (callerEnds != null && clock.instant().plus(ttl).isAfter(callerEnds)) {
            throw FerryException.invalid("a token lasts no longer than the one that makes it, which ends at "
                    + callerEnds.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ": ask for less (--ttl), or "
                    + "an admin for a longer one");
        }
        ApiToken.Issued issued = tokens.create(person, body.name(), ttl);
        return Response.created(tokenView(issued.token(), issued.secret()));
    }

    static ApiTokenView tokenView(ApiToken t, String secret) {
        return new ApiTokenView(t.id(), t.person(), t.name(), t.createdAt().toString(), t.expiresAt().toString(),
                secret);
    }

    private static Map<String, String> whoami(Principal p) {
        Map<String, String> me = new java.util.LinkedHashMap<>();
        me.put("name", p.person() == null ? People.ADMIN_TOKEN : p.person());
        me.put("role", p.role().word());
        me.put("via", p.via());
        return me;
    }

    /** Disables or enables a person, with one audit event naming who did it. */
    private Person disable(String name, boolean disabled, Principal by) {
        Person p = people.setDisabled(name, disabled, by.who());
        AuditLog.event(disabled ? "person_disabled" : "person_enabled").put("person", p.name()).put("by", by.who())
                .write();
        return p;
    }

    private Response add(Request req) {
        NewPersonRequest body = RequestBodies.read(req.body(), NewPersonRequest.class);
        Role role = Role.fromWord(RequestBodies.required("role", body.role()));
        List<SshPublicKey> keys = body.keys() == null || body.keys().isEmpty() ? List.of()
                : RequestBodies.parseKeys(body.keys());
        return Response.created(detail(people.add(RequestBodies.required("name", body.name()), role, keys,
                req.principal().who())));
    }

    private Response addKeys(Request req) {
        AddKeysRequest body = RequestBodies.read(req.body(), AddKeysRequest.class);
        return Response.created(Map.of("added", people.addKeys(req.param(0), RequestBodies.parseKeys(body.keys()))
                .stream().map(PeopleRoutes::keyView).toList()));
    }

    private Response grant(Request req) {
        Vps v = registry.get(VpsRef.parse(req.param(0)));
        GrantRequest body = RequestBodies.read(req.body(), GrantRequest.class);
        Instant until = null;
        if (body.until() != null) {
            try {
                until = Instant.parse(body.until());
            } catch (DateTimeParseException e) {
                throw FerryException.invalid("'until' is not an instant like 2026-12-31T18:00:00Z: " + body.until());
            }
        }
        Grant g = people.grant(v.id(), req.param(1), body.logins() == null ? List.of() : body.logins(), until,
                req.principal().who());
        return Response.ok(thenSweep(grantView(g, v)));
    }

    private AccessView access(Vps v) {
        List<Person> everyone = people.list();
        List<String> admins = everyone.stream().filter(p -> p.role() == Role.ADMIN && !p.disabled())
                .map(Person::name).toList();
        List<Grant> grants = people.grantsTo(v.id());
        return new AccessView(Long.toString(v.id()), v.name(), registry.keys(VpsRef.ofId(v.id())).stream()
                .map(VpsRoutes::keyView).toList(), v.owner(), admins, grants.stream().map(g -> grantView(g, v))
                .toList(), LoginUsers.of(v.owner(), everyone, grants, clock.instant()));
    }

    private PersonView detail(Person p) {
        List<Grant> grants = people.grantsOf(p.name());
        Map<Long, Vps> vps = registry.byIds(grants.stream().map(Grant::vpsId).toList());
        return view(p, people.keys(p.name()).stream().map(PeopleRoutes::keyView).toList(), grants.stream()
                .map(g -> grantView(g, vps.get(g.vpsId()))).toList());
    }

    private static PersonView view(Person p, List<KeyView> keys, List<GrantView> grants) {
        return new PersonView(p.name(), p.role().word(), text(p.disabledAt()), p.disabledBy(),
                p.createdAt().toString(), p.createdBy(), p.keyCount(), keys, grants);
    }

    private GrantView grantView(Grant g, Vps v) {
        return new GrantView(Long.toString(g.vpsId()), v == null ? null : v.name(), g.person(), g.logins(),
                text(g.expiresAt()), g.expired(clock.instant()), g.grantedBy(), g.grantedAt().toString());
    }

    private static KeyView keyView(PersonKey k) {
        return VpsRoutes.keyView(k.key(), k.addedAt());
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}

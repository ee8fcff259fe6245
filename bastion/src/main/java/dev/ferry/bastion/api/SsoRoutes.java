package dev.ferry.bastion.api;

import dev.ferry.api.SsoPollRequest;
import dev.ferry.api.SsoPollView;
import dev.ferry.api.SsoStartView;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.api.Router.Request;
import dev.ferry.bastion.api.Router.Response;
import dev.ferry.bastion.people.sso.SsoSignIn;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Single sign-on with the provider's device flow ({@code ferry login --sso}): {@code POST /api/v1/sso/start} and
 * {@code POST /api/v1/sso/poll}. Open to anyone, as a sign-in must be: what they hold is bounded by {@link SsoSignIn}.
 */
public final class SsoRoutes {
    static final String SSO = "/api/v1/sso";

    private final SsoSignIn signIn;

    /** @param signIn the Host's sign-ins, or null when it has no provider ({@code sso_issuer}) */
    public SsoRoutes(SsoSignIn signIn) {
        this.signIn = signIn;
    }

    /** Adds this class's routes to a router. */
    public Router register(Router router) {
        return router.open("POST", SSO + "/start", this::start).open("POST", SSO + "/poll", this::poll);
    }

    private Response start(Request req) {
        SsoSignIn.Started s = configured().start(req.from());
        return Response.ok(new SsoStartView(s.handle(), s.userCode(), s.verificationUri(),
                s.verificationUriComplete(), s.expiresIn(), s.interval()));
    }

    private Response poll(Request req) {
        SsoSignIn signIn = configured();
        SsoPollRequest body = RequestBodies.read(req.body(), SsoPollRequest.class);
        Optional<SsoSignIn.Done> done = signIn.poll(RequestBodies.required("flow", body.flow()), body.sshKey());
        if (done.isEmpty()) {
            return Response.ok(SsoPollView.PENDING);
        }
        SsoSignIn.Done d = done.get();
        return Response.ok(new SsoPollView("done", d.person().name(), d.person().role().word(),
                PeopleRoutes.tokenView(d.token().token(), d.token().secret()), d.certificate(),
                d.until().truncatedTo(ChronoUnit.SECONDS).toString()));
    }

    private SsoSignIn configured() {
        if (signIn == null) {
            throw FerryException.notFound("this Host has no single sign-on: its admin sets sso_issuer under [host] "
                    + "in its config.toml (see docs/configuration.md)");
        }
        return signIn;
    }
}

package dev.ferry.bastion.api;

import dev.ferry.api.KillRequest;
import dev.ferry.api.SessionView;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.Text;
import dev.ferry.bastion.api.Router.Request;
import dev.ferry.bastion.api.Router.Response;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.sessions.SessionBoard;
import dev.ferry.bastion.vps.VpsRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The live sessions of the control API: the fleet's list, one session, and its end. */
public final class SessionRoutes {
    static final String SESSIONS = "/api/v1/sessions";
    /** Longest reason a kill may give: the user's client prints it on one line. */
    static final int MAX_REASON = 200;
    /** Who ends a session through the control API (the admin token; people come with their own names). */
    static final String ADMIN = "an administrator";

    private final SessionBoard board;
    private final VpsRegistry registry;

    public SessionRoutes(SessionBoard board, VpsRegistry registry) {
        this.board = board;
        this.registry = registry;
    }

    /** Adds this class's routes to a router. */
    public Router register(Router router) {
        return router
                .route("GET", SESSIONS, req -> Response.ok(Map.of("sessions", board.list())))
                .route("GET", VpsRoutes.VPS + "/{ref}/sessions", req -> Response.ok(Map.of("sessions",
                        ofVps(registry.get(VpsRef.parse(req.param(0))).id()))))
                .route("GET", SESSIONS + "/{id}", req -> Response.ok(board.get(req.param(0)).orElseThrow(() ->
                        FerryException.notFound("no live session " + Text.printable(req.param(0), 30) + " (it "
                                + "ended, or it never was): ferry sessions list shows the live ones"))))
                .route("POST", SESSIONS + "/{id}/kill", this::kill);
    }

    /** The sessions whose user name named the VPS, and those with a ProxyJump forward to it. */
    private List<SessionView> ofVps(long vpsId) {
        String id = Long.toString(vpsId);
        return board.list().stream().filter(s -> id.equals(s.vpsId())
                || s.channels().stream().anyMatch(c -> id.equals(c.vpsId()))).toList();
    }

    private Response kill(Request req) {
        String reason = req.body().length == 0 ? null : RequestBodies.read(req.body(), KillRequest.class).reason();
        reason = reason == null ? "" : reason.strip();
        if (reason.length() > MAX_REASON || !Text.printable(reason, MAX_REASON).equals(reason)) {
            throw FerryException.invalid("'reason' is one printable line of at most " + MAX_REASON + " characters");
        }
        SessionBoard.Ended ended = board.kill(req.param(0), reason, ADMIN);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", ended.id());
        body.put("host", ended.host());
        body.put("ended", ended.ended());
        return new Response(ended.ended() ? 200 : 202, body);
    }
}

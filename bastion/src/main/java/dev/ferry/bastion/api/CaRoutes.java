package dev.ferry.bastion.api;

import dev.ferry.bastion.api.Router.Response;
import java.util.Map;

/**
 * {@code GET /api/v1/ca/user-key} (admin token): the Host's user CA public key, for the admin of an external
 * VPS to trust ({@code TrustedUserCAKeys}) so that the bastion's plain-mode certificates log in there.
 */
public final class CaRoutes {
    private final String userCaLine;

    /** @param userCaLine the user CA's public key, one OpenSSH line */
    public CaRoutes(String userCaLine) {
        this.userCaLine = userCaLine;
    }

    /** Adds this class's routes to a router. */
    public Router register(Router router) {
        return router.route("GET", "/api/v1/ca/user-key", req -> Response.ok(Map.of("public_key", userCaLine)));
    }
}

package dev.ferry.bastion.api;

import dev.ferry.bastion.api.Router.Response;
import java.util.List;
import java.util.Map;

/**
 * The Host's CAs, public halves only (admin token):
 * <ul>
 * <li>{@code GET /api/v1/ca/user-key}: the user CA's public key, for the admin of an external VPS to trust
 * ({@code TrustedUserCAKeys}) so that the bastion's plain-mode certificates log in there;</li>
 * <li>{@code GET /api/v1/ca/known-hosts}: the {@code @cert-authority} lines that let a client trust the bastion
 * and every VPS without a prompt ({@code ferry known-hosts}).</li>
 * </ul>
 */
public final class CaRoutes {
    private final String userCaLine;
    private final List<String> knownHosts;

    /**
     * @param userCaLine the user CA's public key, one OpenSSH line
     * @param knownHosts the known_hosts lines for the host CA
     */
    public CaRoutes(String userCaLine, List<String> knownHosts) {
        this.userCaLine = userCaLine;
        this.knownHosts = List.copyOf(knownHosts);
    }

    /** Adds this class's routes to a router. */
    public Router register(Router router) {
        return router.route("GET", "/api/v1/ca/user-key", req -> Response.ok(Map.of("public_key", userCaLine)))
                .route("GET", "/api/v1/ca/known-hosts", req -> Response.ok(Map.of("lines", knownHosts)));
    }
}

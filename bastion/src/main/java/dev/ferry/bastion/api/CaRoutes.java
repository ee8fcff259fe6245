package dev.ferry.bastion.api;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.api.Router.Response;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Host's CAs, public halves only (admin token):
 * <ul>
 * <li>{@code GET /api/v1/ca/user-key}: the user CA's public key, for the admin of an external VPS to trust
 * ({@code TrustedUserCAKeys}) so that the bastion's plain-mode certificates log in there;</li>
 * <li>{@code GET /api/v1/ca/client-key}: the client CA's public key (SSO), for the admin of an external VPS to trust
 * for people ({@code cert-authority,principals=...}); 404 on a Host without SSO;</li>
 * <li>{@code GET /api/v1/ca/known-hosts}: the {@code @cert-authority} lines that let a client trust the bastion
 * and every VPS without a prompt ({@code ferry known-hosts}), and the host keys of external VPS;</li>
 * <li>{@code GET /api/v1/bastion}: the bastion's SSH port and the names its host certificate holds, for a CLI
 * on another machine to print connect lines with the right port.</li>
 * </ul>
 */
public final class CaRoutes {
    private final String userCaLine;
    private final String clientCaLine;
    private final Supplier<List<String>> knownHosts;
    private final int sshPort;
    private final List<String> names;

    /**
     * @param userCaLine the user CA's public key, one OpenSSH line
     * @param clientCaLine the client CA's public key, one OpenSSH line, or null without SSO
     * @param knownHosts the known_hosts lines, as they are now
     * @param sshPort    the port the bastion listens on
     * @param names      the bastion's host certificate principals
     */
    public CaRoutes(String userCaLine, String clientCaLine, Supplier<List<String>> knownHosts, int sshPort,
                    List<String> names) {
        this.userCaLine = userCaLine;
        this.clientCaLine = clientCaLine;
        this.knownHosts = knownHosts;
        this.sshPort = sshPort;
        this.names = List.copyOf(names);
    }

    /** Adds this class's routes to a router. */
    public Router register(Router router) {
        return router.route("GET", "/api/v1/ca/user-key", Need.ANYONE, req -> Response.ok(Map.of("public_key",
                        userCaLine)))
                .route("GET", "/api/v1/ca/client-key", Need.ANYONE, req -> {
                    if (clientCaLine == null) {
                        throw FerryException.notFound("this Host has no single sign-on, so no client CA: its admin "
                                + "sets sso_issuer under [host] (see docs/configuration.md)");
                    }
                    return Response.ok(Map.of("public_key", clientCaLine));
                })
                .route("GET", "/api/v1/ca/known-hosts", Need.ANYONE, req -> Response.ok(Map.of("lines",
                        knownHosts.get())))
                .route("GET", "/api/v1/bastion", Need.ANYONE, req -> Response.ok(Map.of("ssh_port", sshPort, "names",
                        names)));
    }
}

package dev.ferry.bastion.api;

import dev.ferry.bastion.FerryException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API without its transport: one request in (method, path, the Authorization header, the
 * caller's address, the body), one JSON answer out. Authorization and error mapping live here, so the HTTP
 * server ({@link ApiServer}) only reads and writes bytes. Every error is {@code {"error": "<sentence>"}} with
 * the status its {@link FerryException.Kind} maps to.
 */
public final class ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    /** What goes back: status, JSON body, and a {@code WWW-Authenticate} value or null. */
    public record Answer(int status, byte[] json, String authenticate) {
    }

    private final Router router;
    private final byte[] adminToken;
    private final byte[] runnerToken;

    public ApiHandler(Router router, String adminToken, String runnerToken) {
        this.router = router;
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.runnerToken = runnerToken.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Answers one request. Never throws for anything the caller sent.
     *
     * @param authorization the request's Authorization header, or null
     * @param from          the caller's address (for authorization rules that depend on it)
     */
    public Answer handle(String method, String path, String authorization, InetAddress from, byte[] body) {
        String[] authenticate = {null};
        try {
            Router.Response response = dispatch(method, path, authorization, from, body, authenticate);
            return new Answer(response.status(), Json.write(response.body()), authenticate[0]);
        } catch (FerryException e) {
            int status = HttpStatus.of(e.kind());
            if (e.kind() == FerryException.Kind.INTERNAL) {
                // its details (SQL, paths) are for the log, not for the client
                log.error("{} {} failed", method, path, e);
                return error(500, "internal error; the Host log has the details", authenticate[0]);
            }
            return error(status, e.getMessage(), authenticate[0]);
        } catch (RuntimeException e) {
            log.error("{} {} failed", method, path, e);
            return error(500, "internal error; the Host log has the details", authenticate[0]);
        }
    }

    /** An error answer, for the transport's own refusals too (a body too large, a slow client). */
    public static Answer error(int status, String sentence, String authenticate) {
        return new Answer(status, Json.write(Map.of("error", sentence)), authenticate);
    }

    private Router.Response dispatch(String method, String path, String header, InetAddress from, byte[] body,
                                     String[] authenticate) {
        Router.Match match = router.match(method, path);
        if (match.realm() == Router.Realm.ADMIN && !authorized(header, adminToken)) {
            authenticate[0] = "Bearer realm=\"ferry\"";
            throw new FerryException(FerryException.Kind.UNAUTHORIZED, "missing or wrong API token: send "
                    + "'Authorization: Bearer <token>' with the token from the Host's admin.token");
        }
        if (match.realm() == Router.Realm.RUNNER && !authorized(header, runnerToken)) {
            authenticate[0] = "Bearer realm=\"ferry-runner\"";
            throw new FerryException(FerryException.Kind.UNAUTHORIZED, "missing or wrong runner token: start "
                    + "the runner with --token set to the Host's runner.token");
        }
        return match.handle(body);
    }

    private static boolean authorized(String header, byte[] token) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);
    }
}

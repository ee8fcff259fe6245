package dev.ferry.bastion.api;

import dev.ferry.api.Json;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.Text;
import dev.ferry.bastion.fleet.RunnerTrust;
import dev.ferry.bastion.log.AuditLog;
import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.net.Cidr;
import dev.ferry.bastion.net.Sources;
import dev.ferry.bastion.people.Principal;
import dev.ferry.bastion.people.Tokens;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API without its transport: one request in (method, path, the Authorization header, the
 * caller's address, the body), checked for the realm of the route the {@link Router} finds for it and handed to
 * that route; one JSON answer out. Authorization, token penalties, error mapping and the audit of changes live
 * here, so the HTTP server ({@link ApiServer}, {@link JettyAdapter}) only reads and writes bytes. Every error is
 * {@code {"error": "<sentence>"}} with the status its {@link FerryException.Kind} maps to.
 */
public final class ApiDispatcher {
    private static final Logger log = LoggerFactory.getLogger(ApiDispatcher.class);

    /**
     * What goes back: status, body (JSON unless said otherwise), and a {@code WWW-Authenticate} value or null; or,
     * with {@code stream}, a body written as it is read instead of {@code json}.
     */
    public record Answer(int status, byte[] json, String authenticate, String contentType, Router.Body stream) {
        public static final String JSON = "application/json; charset=utf-8";

        Answer(int status, byte[] json, String authenticate) {
            this(status, json, authenticate, JSON, null);
        }
    }

    /** Unauthenticated changes, one audit event per source every 10 s: anyone who reaches the port can send them. */
    private static final LogThrottle UNAUTHENTICATED = new LogThrottle(Duration.ofSeconds(10));

    private final Router router;
    private final Supplier<String> adminToken;
    private final Supplier<String> metricsToken;
    private final RunnerTrust trust;
    private final TokenPenalties penalties;
    private final Tokens tokens;
    private final Authorizer authorizer;

    /**
     * @param adminToken    the admin token as it is now (a rotation changes it)
     * @param metricsToken  the token a Prometheus server scrapes {@code /metrics} with (the admin token works too),
     *                      as it is now
     * @param trust         who speaks for which runner: credentials and join tokens
     * @param penaltyExempt sources whose wrong tokens earn no penalty
     * @param tokens        people's tokens, which act as their person
     * @param authorizer    what each person may call
     */
    public ApiDispatcher(Router router, Supplier<String> adminToken, Supplier<String> metricsToken, RunnerTrust trust,
                         List<Cidr> penaltyExempt, Tokens tokens, Authorizer authorizer) {
        this.router = router;
        this.adminToken = adminToken;
        this.metricsToken = metricsToken;
        this.trust = trust;
        this.penalties = new TokenPenalties(penaltyExempt, Clock.systemUTC());
        this.tokens = tokens;
        this.authorizer = authorizer;
    }

    /** Every route a person or the admin token calls, as {@code METHOD /pattern}. */
    List<String> personRoutes() {
        return router.describe(Router.Realm.ADMIN);
    }

    /** A source shut out for its wrong tokens: 429, with the sentence. */
    private static final class Penalised extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Penalised(String sentence) {
            super(sentence, null, false, false);
        }
    }

    /**
     * Answers one request. Never throws for anything the caller sent.
     *
     * @param authorization the request's Authorization header, or null
     * @param from          the caller's address (for authorization rules that depend on it)
     */
    public Answer handle(String method, String path, String authorization, InetAddress from, byte[] body) {
        String[] authenticate = {null};
        String[] who = {null};
        Answer answer;
        try {
            Router.Response response = dispatch(method, path, authorization, from, body, authenticate, who);
            if (response.body() instanceof Router.Raw raw) {
                answer = new Answer(response.status(), raw.bytes(), authenticate[0], raw.contentType(), null);
            } else if (response.body() instanceof Router.Streamed streamed) {
                answer = new Answer(response.status(), null, authenticate[0], streamed.contentType(),
                        streamed.body());
            } else {
                answer = new Answer(response.status(), Json.write(response.body()), authenticate[0]);
            }
        } catch (Penalised e) {
            answer = error(429, e.getMessage(), null);
        } catch (FerryException e) {
            if (e.kind() == FerryException.Kind.UNAUTHORIZED) {
                penalties.failed(from);
            }
            int status = e.kind().httpStatus();
            if (e.kind() == FerryException.Kind.INTERNAL) {
                // its details (SQL, paths) are for the log, not for the client
                log.error("{} {} failed", method, path, e);
                answer = error(500, "internal error; the Host log has the details", authenticate[0]);
            } else {
                answer = error(status, e.getMessage(), authenticate[0]);
            }
        } catch (RuntimeException e) {
            log.error("{} {} failed", method, path, e);
            answer = error(500, "internal error; the Host log has the details", authenticate[0]);
        }
        audit(method, path, who[0], from, answer.status());
        return answer;
    }

    /**
     * A change through the API, with who asked for it (the admin, a runner, a join token's holder) and its
     * outcome; reads and runners' heartbeats are no changes.
     */
    private static void audit(String method, String path, String who, InetAddress from, int status) {
        if (method.equals("GET") || method.equals("HEAD") || path.endsWith("/heartbeat")) {
            return;
        }
        AuditLog.Event event = AuditLog.event("api_change").put("method", Text.printable(method, 16))
                .put("path", Text.printable(path, 200)).put("status", status)
                .put("who", who == null ? "unauthenticated" : who).put("client", from.getHostAddress());
        if (who == null) {
            int more = UNAUTHENTICATED.admit(Sources.of(from));
            if (more < 0) {
                return;
            }
            event.put("not_logged_before", more);
        }
        event.write();
    }

    /** An error answer, for the transport's own refusals too (a body too large, a slow client). */
    public static Answer error(int status, String sentence, String authenticate) {
        return new Answer(status, Json.write(Map.of("error", sentence)), authenticate);
    }

    private Router.Response dispatch(String method, String path, String header, InetAddress from, byte[] body,
                                     String[] authenticate, String[] who) {
        Router.Match match = router.match(method, path);
        String bearer = bearer(header);
        if (match.realm() != Router.Realm.OPEN) {
            Optional<String> shutOut = penalties.refusal(from);
            if (shutOut.isPresent()) {
                throw new Penalised(shutOut.get());
            }
        }
        Router.Response response = switch (match.realm()) {
            case OPEN -> match.handle(body, null, from);
            case ADMIN -> {
                Principal p = matches(bearer, adminToken) ? Principal.ADMIN_TOKEN
                        : tokens.principal(bearer, Instant.now()).orElse(null);
                if (p == null) {
                    authenticate[0] = "Bearer realm=\"ferry\"";
                    throw new FerryException(FerryException.Kind.UNAUTHORIZED, "missing, wrong or ended API token: "
                            + "send 'Authorization: Bearer <token>' with your own token (ferry login), or the Host's "
                            + "admin.token");
                }
                who[0] = p.person() == null ? "admin" : p.person() + " (" + p.via() + ")";
                authorizer.check(p, match.need(), match.params());
                yield match.handle(body, null, from, p);
            }
            case RUNNER -> {
                Optional<String> runner = bearer == null ? Optional.empty() : trust.runnerOf(bearer);
                if (runner.isEmpty()) {
                    authenticate[0] = "Bearer realm=\"ferry-runner\"";
                    throw new FerryException(FerryException.Kind.UNAUTHORIZED, "missing or unknown runner credential: "
                            + "a runner enrolls once with a join token and then uses the credential it was given; "
                            + "a runner removed with 'ferry node remove' enrolls again");
                }
                who[0] = "runner " + runner.get();
                yield match.handle(body, runner.get(), from);
            }
            case METRICS -> {
                if (!matches(bearer, adminToken) && !matches(bearer, metricsToken)) {
                    authenticate[0] = "Bearer realm=\"ferry-metrics\"";
                    throw new FerryException(FerryException.Kind.UNAUTHORIZED, "missing or wrong metrics token: "
                            + "scrape with 'Authorization: Bearer <token>', the token in the Host's metrics.token");
                }
                yield match.handle(body, null, from);
            }
            case JOIN -> {
                if (bearer == null || !trust.isJoinToken(bearer)) {
                    authenticate[0] = "Bearer realm=\"ferry-join\"";
                    throw new FerryException(FerryException.Kind.UNAUTHORIZED, "missing, wrong, used or expired join "
                            + "token: enroll with the Host's runner.token, or a one-time token from: ferry node token");
                }
                who[0] = "join token";
                yield match.handle(body, bearer, from);
            }
        };
        if (match.realm() != Router.Realm.OPEN) {
            penalties.succeeded(from); // a right token: its wrong ones before were typos
        }
        return response;
    }

    /** Whether {@code bearer} is {@code token}'s, compared in constant time; a missing one matches nothing. */
    private static boolean matches(String bearer, Supplier<String> token) {
        String now = token.get();
        return bearer != null && now != null && MessageDigest.isEqual(bearer.getBytes(StandardCharsets.UTF_8),
                now.getBytes(StandardCharsets.UTF_8));
    }

    private static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? null : token;
    }
}

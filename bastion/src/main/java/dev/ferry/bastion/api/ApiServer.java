package dev.ferry.bastion.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.bastion.FerryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API: HTTP/JSON on the API port, bearer-token authenticated. Every answer is JSON; every
 * error is {@code {"error": "<sentence>"}} with the status its {@link FerryException.Kind} maps to.
 * Requests are logged without their headers: the token never reaches a log line.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_BODY = 1 << 20;

    private final HttpServer server;
    private final ExecutorService executor;
    private final Router router;
    private final byte[] adminToken;
    private final byte[] runnerToken;

    private ApiServer(HttpServer server, ExecutorService executor, Router router, String adminToken,
                      String runnerToken) {
        this.server = server;
        this.executor = executor;
        this.router = router;
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.runnerToken = runnerToken.getBytes(StandardCharsets.UTF_8);
    }

    /** Binds and starts serving {@code router}'s routes. */
    public static ApiServer start(InetSocketAddress address, String adminToken, String runnerToken, Router router)
            throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "ferry-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ApiServer api = new ApiServer(server, executor, router, adminToken, runnerToken);
        server.setExecutor(executor);
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        long start = System.nanoTime();
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        int status;
        try {
            Router.Response response = dispatch(ex, method, path);
            status = response.status();
            send(ex, status, response.body());
        } catch (FerryException e) {
            status = HttpStatus.of(e.kind());
            if (e.kind() == FerryException.Kind.INTERNAL) {
                // its details (SQL, paths) are for the log, not for the client
                log.error("{} {} failed", method, path, e);
                send(ex, status, Map.of("error", "internal error; the Host log has the details"));
            } else {
                send(ex, status, Map.of("error", e.getMessage()));
            }
        } catch (RuntimeException e) {
            status = 500;
            log.error("{} {} failed", method, path, e);
            send(ex, status, Map.of("error", "internal error; the Host log has the details"));
        } finally {
            ex.close();
        }
        log.info("api {} {} -> {} in {} ms from {}", method, path, status,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), ex.getRemoteAddress().getAddress());
    }

    private Router.Response dispatch(HttpExchange ex, String method, String path) throws IOException {
        Router.Match match = router.match(method, path);
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (match.realm() == Router.Realm.ADMIN && !authorized(header, adminToken)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ferry\"");
            throw new FerryException(FerryException.Kind.UNAUTHORIZED, "missing or wrong API token: send "
                    + "'Authorization: Bearer <token>' with the token from the Host's admin.token");
        }
        if (match.realm() == Router.Realm.RUNNER && !authorized(header, runnerToken)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ferry-runner\"");
            throw new FerryException(FerryException.Kind.UNAUTHORIZED, "missing or wrong runner token: start "
                    + "the runner with --token set to the Host's runner.token");
        }
        return match.handle(readBody(ex));
    }

    private static boolean authorized(String header, byte[] token) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new FerryException(FerryException.Kind.INVALID,
                        "the request body is larger than " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

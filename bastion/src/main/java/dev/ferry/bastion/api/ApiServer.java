package dev.ferry.bastion.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API's HTTP transport: reads a request, has {@link ApiHandler} answer it, writes the answer.
 * Requests are logged without their headers: the token never reaches a log line.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_BODY = 1 << 20;

    private final HttpServer server;
    private final ExecutorService executor;
    private final ApiHandler handler;

    private ApiServer(HttpServer server, ExecutorService executor, ApiHandler handler) {
        this.server = server;
        this.executor = executor;
        this.handler = handler;
    }

    /** Binds and starts serving what {@code handler} answers. */
    public static ApiServer start(InetSocketAddress address, ApiHandler handler) throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "ferry-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ApiServer api = new ApiServer(server, executor, handler);
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
        ApiHandler.Answer answer;
        try {
            byte[] body = readBody(ex);
            answer = body == null ? ApiHandler.error(413, "the request body is larger than " + MAX_BODY + " bytes", null)
                    : handler.handle(method, path, ex.getRequestHeaders().getFirst("Authorization"),
                            ex.getRemoteAddress().getAddress(), body);
            send(ex, answer);
        } finally {
            ex.close();
        }
        log.info("api {} {} -> {} in {} ms from {}", method, path, answer.status(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), ex.getRemoteAddress().getAddress());
    }

    /** The body, or null when it is larger than {@link #MAX_BODY}. */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            return body.length > MAX_BODY ? null : body;
        }
    }

    private static void send(HttpExchange ex, ApiHandler.Answer answer) throws IOException {
        if (answer.authenticate() != null) {
            ex.getResponseHeaders().set("WWW-Authenticate", answer.authenticate());
        }
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(answer.status(), answer.json().length);
        ex.getResponseBody().write(answer.json());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

package dev.ferry.bastion.api;

import dev.ferry.bastion.Text;
import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.metrics.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's side of the control API: takes method, raw path, Authorization header, caller and body from a
 * request, has {@link ApiDispatcher} answer, writes the answer. The body is read without holding a thread, within
 * the body time, so a client that drips it holds a connection for a while but never a worker.
 * Requests are logged without their headers: the token never reaches a log line.
 */
final class JettyAdapter extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(JettyAdapter.class);
    private static final LogThrottle REFUSED = new LogThrottle(Duration.ofSeconds(10));

    private final ApiDispatcher dispatcher;
    private final ApiLimits limits;
    private final HeadDeadline deadline;
    private final Executor workers;
    /** Set when the API speaks TLS: a plain request that reached it anyway is refused with this sentence. */
    private final String plainRefusal;

    JettyAdapter(ApiDispatcher dispatcher, ApiLimits limits, HeadDeadline deadline, Executor workers,
                 String plainRefusal) {
        super(InvocationType.BLOCKING);
        this.dispatcher = dispatcher;
        this.limits = limits;
        this.deadline = deadline;
        this.workers = workers;
        this.plainRefusal = plainRefusal;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        deadline.handling(endPoint);
        Exchange exchange = new Exchange(request, response, callback, endPoint, start);
        if (plainRefusal != null && !request.isSecure()) {
            exchange.answer(ApiDispatcher.error(400, plainRefusal, null), true);
        } else if (request.getLength() > limits.maxBodyBytes()) {
            exchange.answer(tooLarge(), true);
        } else {
            Content.Source.asByteArrayAsync(request, limits.maxBodyBytes())
                    .orTimeout(limits.bodyTime().toMillis(), TimeUnit.MILLISECONDS)
                    // the dispatcher may block on the registry: never on the thread that delivered the last bytes
                    .whenComplete((body, failure) -> {
                        try {
                            workers.execute(() -> exchange.bodyRead(body, failure));
                        } catch (RejectedExecutionException busy) {
                            exchange.answer(ApiDispatcher.error(503, "the Host has too many requests waiting; try "
                                    + "again in a moment", null), true);
                        }
                    });
        }
        return true;
    }

    private ApiDispatcher.Answer tooLarge() {
        return ApiDispatcher.error(413, "the request body is larger than " + limits.maxBodyBytes() + " bytes", null);
    }

    /** One request on its way to its answer. */
    private final class Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final EndPoint endPoint;
        private final long start;

        Exchange(Request request, Response response, Callback callback, EndPoint endPoint, long start) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.endPoint = endPoint;
            this.start = start;
        }

        void bodyRead(byte[] body, Throwable failure) {
            if (failure == null) {
                ApiDispatcher.Answer answer;
                try {
                    answer = dispatcher.handle(request.getMethod(), request.getHttpURI().getPath(),
                            request.getHeaders().get(HttpHeader.AUTHORIZATION), caller(request), body);
                } catch (Error e) {
                    // a class that cannot load, an assertion: the client still gets an answer, never a hung request
                    log.error("api {} {} failed", Text.printable(request.getMethod(), 16),
                            Text.printable(request.getHttpURI().getPath(), 200), e);
                    answer(ApiDispatcher.error(500, "internal error on the Host; details are in its log", null), true);
                    if (e instanceof VirtualMachineError) {
                        throw e;
                    }
                    return;
                }
                answer(answer, false);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                answer(ApiDispatcher.error(408, "the request body did not arrive within "
                        + seconds(limits.bodyTime()) + "; the connection is closed", null), true);
            } else if (cause instanceof IllegalStateException) {
                // how asByteArrayAsync reports more than its maximum (Jetty 12.1), as a chunked body may bring:
                // ApiTransportTest.aChunkedBodyOverTheLimitIsAnswered413 notices if that changes
                answer(tooLarge(), true);
            } else {
                log.debug("api request body failed: {}", cause.toString());
                answer(ApiDispatcher.error(400, "the request body could not be read: " + cause.getMessage(), null),
                        true);
            }
        }

        /** Writes the answer; {@code close} ends the connection after it (its unread body is not worth reading). */
        void answer(ApiDispatcher.Answer answer, boolean close) {
            response.setStatus(answer.status());
            if (answer.authenticate() != null) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, answer.authenticate());
            }
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
            if (close) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            // logged before the answer leaves: whoever has the answer finds its line in the log; a refused token
            // (anyone who reaches the port can send them) at most once per source every 10 s, its path cut short
            long nanos = System.nanoTime() - start;
            int more = answer.status() == 401 || answer.status() == 429
                    ? REFUSED.admit(Request.getRemoteAddr(request)) : 0;
            // a runner's heartbeat answered (every 5 s from each runner) is routine: the log keeps the changes
            boolean routine = answer.status() / 100 == 2 && request.getHttpURI().getPath().endsWith("/heartbeat");
            if (more >= 0 && (!routine || log.isDebugEnabled())) {
                String line = "api {} {} -> {} in {} ms from {}{}";
                Object[] args = {Text.printable(request.getMethod(), 16), Text.printable(request.getHttpURI()
                        .getPath(), 200), answer.status(), TimeUnit.NANOSECONDS.toMillis(nanos),
                        Request.getRemoteAddr(request), REFUSED.more(more)};
                if (routine) {
                    log.debug(line, args);
                } else {
                    log.info(line, args);
                }
            }
            Metrics.API.labelValues(Metrics.method(request.getMethod()), Integer.toString(answer.status()))
                    .observe(nanos / 1e9);
            if (answer.stream() != null) {
                stream(answer.stream());
                return;
            }
            response.write(true, ByteBuffer.wrap(answer.json()), Callback.from(() -> {
                deadline.answered(endPoint);
                callback.succeeded();
            }, callback::failed));
        }

        /** Writes a streamed body on this thread (a worker's: it may block), then ends the exchange. */
        private void stream(Router.Body body) {
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                body.writeTo(out);
            } catch (IOException | RuntimeException e) {
                log.warn("api {} {}: the answer was cut short: {}", Text.printable(request.getMethod(), 16),
                        Text.printable(request.getHttpURI().getPath(), 200), e.toString());
                callback.failed(e);
                return;
            }
            deadline.answered(endPoint);
            callback.succeeded();
        }
    }

    /** The caller's address; the API listens on TCP only, so there always is one (never a made-up loopback). */
    static InetAddress caller(Request request) {
        if (request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a) {
            return a.getAddress();
        }
        throw new IllegalStateException("an API request without a TCP peer: "
                + request.getConnectionMetaData().getRemoteSocketAddress());
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}

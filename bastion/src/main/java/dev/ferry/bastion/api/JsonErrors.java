package dev.ferry.bastion.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's own refusals (malformed HTTP, headers too large, a failure before {@link JettyAdapter} answers) in the
 * API's form, {@code {"error": "<sentence>"}}: never Jetty's HTML page, a stack trace or a cause's details.
 */
final class JsonErrors implements Request.Handler {
    private static final Logger log = LoggerFactory.getLogger(JsonErrors.class);
    private static final int MAX_REASON = 200;

    private final ApiLimits limits;

    JsonErrors(ApiLimits limits) {
        this.limits = limits;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        Object cause = request.getAttribute(ErrorHandler.ERROR_EXCEPTION);
        String reason = (String) request.getAttribute(ErrorHandler.ERROR_MESSAGE);
        if (cause instanceof HttpException http) {
            status = http.getCode();
            reason = reason == null ? http.getReason() : reason;
        }
        response.setStatus(status);
        String sentence = sentence(status, reason);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        log.info("api {} {} -> {} ({}) from {}", request.getMethod(), path(request), status, sentence,
                Request.getRemoteAddr(request));
        response.write(true, ByteBuffer.wrap(ApiDispatcher.error(status, sentence, null).json()), callback);
        return true;
    }

    private String sentence(int status, String reason) {
        return switch (status) {
            case 400 -> "the request is not valid HTTP" + (reason == null || reason.isBlank() ? "" : " ("
                    + printable(reason) + ")");
            case 408 -> "the request did not arrive in time; the connection is closed";
            case 413 -> "the request body is larger than " + limits.maxBodyBytes() + " bytes";
            case 414, 431 -> "the request line and headers are larger than " + limits.maxHeaderBytes() + " bytes";
            case 500 -> "internal error; the Host log has the details";
            default -> "the request could not be handled (HTTP " + status + ")";
        };
    }

    /** Jetty's reason may quote what the client sent: bounded, and printable ASCII only. */
    private static String printable(String s) {
        String t = s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String path(Request request) {
        try {
            return request.getHttpURI() == null ? "?" : request.getHttpURI().getPath();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}

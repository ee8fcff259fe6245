package dev.ferry.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.bastion.FerryException;
import dev.ferry.keys.tls.PinMismatchException;
import dev.ferry.keys.tls.TlsPin;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.Writer;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The control API seen from the CLI. Failures become {@link FerryException}s with sentences. */
public final class ApiClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HostTarget target;
    private final HttpClient http;

    /** Where a user gives the Host's TLS key to the CLI. */
    public static final String HOW_TO_PIN = "pass --host-fingerprint, set FERRY_HOST_FINGERPRINT or [client] "
            + "host_fingerprint in config.toml,";

    public ApiClient(HostTarget target) {
        this.target = target;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT);
        TlsPin.clientContext(uri(""), target.pin(), HOW_TO_PIN).ifPresent(b::sslContext);
        this.http = b.build();
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** A body that is not JSON (a recording), as text; a refusal is read as any other. */
    public String getText(String path) {
        StringWriter text = new StringWriter();
        download(path, text);
        return text.toString();
    }

    /**
     * A body of UTF-8 text that is not JSON (a recording of any size) copied to {@code out} as it arrives (the
     * request's time limit is for its answer to begin); a refusal is read as any other.
     */
    public void download(String path, Writer out) {
        HttpResponse<InputStream> response = exchange("GET", path, null, "*/*",
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                new InputStreamReader(in, StandardCharsets.UTF_8).transferTo(out);
                out.flush();
                return;
            }
            answer(response.statusCode(), new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unreachable("the answer broke off: " + e.getMessage());
        }
        throw new IllegalStateException("unreachable: answer() throws for HTTP " + response.statusCode());
    }

    /** Reads a response node into one of the API's view records. */
    public static <T> T as(JsonNode node, Class<T> type) {
        return Json.MAPPER.convertValue(node, type);
    }

    private JsonNode send(String method, String path, Object body) {
        HttpResponse<String> response = exchange(method, path, body, "application/json",
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return answer(response.statusCode(), response.body());
    }

    private <T> HttpResponse<T> exchange(String method, String path, Object body, String accept,
                                         HttpResponse.BodyHandler<T> handler) {
        URI uri = uri(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", accept);
        if (target.token() != null) {
            b.header("Authorization", "Bearer " + target.token());
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<T> response;
        try {
            response = http.send(b.build(), handler);
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("no answer within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw unreachable("it did not answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            throw unreachable("connection refused");
        } catch (IOException e) {
            Optional<PinMismatchException> mismatch = TlsPin.mismatchIn(e);
            if (mismatch.isPresent()) {
                throw new FerryException(FerryException.Kind.UNAVAILABLE, mismatch.get().sentence(target.url()));
            }
            throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted");
        }
        return response;
    }

    private JsonNode answer(int status, String body) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new FerryException(FerryException.Kind.INTERNAL, target.url() + " answered HTTP "
                    + status + " without JSON: is it a Ferry host?");
        }
        if (status >= 200 && status < 300) {
            return node;
        }
        String error = node != null && node.hasNonNull("error") ? node.get("error").asText() : "HTTP " + status;
        if (status == 401) {
            error += target.token() == null
                    ? " (no token found: pass --token-file or set FERRY_TOKEN_FILE; the data directory's admin.token is sent "
                    + "only to the local Host's own URL, from its config)"
                    : " (the token given was refused)";
        }
        throw new FerryException(FerryException.Kind.ofHttpStatus(status), error);
    }

    private URI uri(String path) {
        try {
            URI uri = URI.create(target.url() + path);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw FerryException.invalid("'" + target.url() + "' is not a Host URL (expected like "
                    + "http://127.0.0.1:8000)");
        }
    }

    private FerryException unreachable(String why) {
        return new FerryException(FerryException.Kind.UNAVAILABLE, "cannot reach the Ferry host at "
                + target.url() + " (" + why + "); is a Host running there? Start one with 'ferry up' (a Host and a "
                + "runner) or 'ferry host'");
    }
}

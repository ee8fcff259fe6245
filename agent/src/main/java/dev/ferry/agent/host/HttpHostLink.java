package dev.ferry.agent.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.ferry.protocol.EnrollAnswer;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterAnswer;
import dev.ferry.protocol.RegisterRequest;
import dev.ferry.keys.tls.PinMismatchException;
import dev.ferry.keys.tls.TlsPin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link HostLink} over HTTP/JSON ({@code java.net.http} + Jackson): snake_case names, the join token or the
 * runner's credential as bearer token, unknown fields in answers ignored so that a newer Host can add fields
 * without breaking older runners.
 */
public final class HttpHostLink implements HostLink {
    /** Connect and whole-request timeout: a hung Host must not hold the runner's loop for long. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Where a user gives the Host's TLS key to a runner. */
    public static final String HOW_TO_PIN = "pass --host-fingerprint or set [runner] host_fingerprint";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final URI base;
    private final Duration timeout;
    private final HttpClient http;

    /** @param hostUrl the Host's control API, e.g. {@code http://host:8022}; a path prefix is kept */
    public HttpHostLink(URI hostUrl) {
        this(hostUrl, DEFAULT_TIMEOUT);
    }

    public HttpHostLink(URI hostUrl, Duration timeout) {
        this(hostUrl, timeout, null);
    }

    /**
     * @param pin the Host's TLS key fingerprint; required for an {@code https} URL, whose Host is trusted by
     *            that key alone
     */
    public HttpHostLink(URI hostUrl, Duration timeout, TlsPin pin) {
        String s = Objects.requireNonNull(hostUrl, "hostUrl").toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout);
        TlsPin.clientContext(hostUrl, pin, HOW_TO_PIN)
                .ifPresent(b::sslContext);
        this.http = b.build();
    }

    /** @return the mapper with the protocol's conventions, for tests and tools */
    public static ObjectMapper json() {
        return JSON;
    }

    @Override
    public EnrollAnswer enroll(String joinToken, EnrollRequest request) throws HostException {
        HttpResponse<String> r = post("api/v1/runners/enroll", request, joinToken);
        if (r.statusCode() == 400 || r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() == 409) {
            throw new RefusedException("the Host at " + base + " refused to enroll runner " + request.name() + ": "
                    + errorText(r));
        }
        if (r.statusCode() != 200) {
            throw refused("enrollment of runner " + request.name(), r);
        }
        return read(r, EnrollAnswer.class);
    }

    @Override
    public RegisterAnswer register(String credential, RegisterRequest request) throws HostException {
        HttpResponse<String> r = post("api/v1/runners/register", request, credential);
        if (r.statusCode() != 200) {
            throw refused("registration of runner " + request.name(), r);
        }
        return read(r, RegisterAnswer.class);
    }

    @Override
    public HeartbeatAnswer heartbeat(String credential, String runnerName, HeartbeatRequest request)
            throws HostException {
        HttpResponse<String> r = post("api/v1/runners/" + runnerName + "/heartbeat", request, credential);
        if (r.statusCode() == 404) {
            throw new NotRegisteredException("the Host at " + base + " does not know runner " + runnerName
                    + " (" + errorText(r) + ")");
        }
        if (r.statusCode() == 409) {
            throw new SupersededException(errorText(r));
        }
        if (r.statusCode() != 200) {
            throw refused("heartbeat of runner " + runnerName, r);
        }
        return read(r, HeartbeatAnswer.class);
    }

    private HttpResponse<String> post(String path, Object body, String token) throws HostException {
        URI uri = base.resolve(path);
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            Optional<PinMismatchException> mismatch = TlsPin.mismatchIn(e);
            if (mismatch.isPresent()) {
                throw new HostException(mismatch.get().sentence(base.toString()), e);
            }
            throw new HostException("the Host at " + base + " is not reachable (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostException("interrupted while talking to the Host at " + base, e);
        }
    }

    private <T> T read(HttpResponse<String> r, Class<T> type) throws HostException {
        try {
            return JSON.readValue(r.body(), type);
        } catch (JsonProcessingException e) {
            throw new HostException("the Host at " + base + " answered " + r.uri().getPath()
                    + " with JSON this runner cannot read (" + e.getOriginalMessage() + ")", e);
        }
    }

    private HostException refused(String request, HttpResponse<String> r) {
        if (r.statusCode() == 401) {
            return new UnknownCredentialException("the Host at " + base + " refused the " + request + " (HTTP 401): "
                    + errorText(r));
        }
        if (r.statusCode() == 403) {
            return new RefusedException("the Host at " + base + " refused the " + request + " (HTTP " + r.statusCode()
                    + "): " + errorText(r));
        }
        return new HostException("the Host at " + base + " refused the " + request + " (HTTP " + r.statusCode()
                + ": " + errorText(r) + ")");
    }

    /** The API's errors are {@code {"error": "..."}}; anything else is shown shortened. */
    private static String errorText(HttpResponse<String> r) {
        String body = r.body() == null ? "" : r.body().strip();
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            // not JSON: fall through to the raw text
        }
        if (body.isEmpty()) {
            return "no details";
        }
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }

    @Override
    public String toString() {
        return "HttpHostLink[" + base + "]";
    }
}

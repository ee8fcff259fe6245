package dev.ferry.bastion.people.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.bastion.Text;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * This Host as an OpenID Connect client of its provider, for the device authorization grant (RFC 8628): the
 * provider's metadata, a device code for a sign-in, and the tokens once the person approved it in a browser. The
 * Host, not the CLI, talks to the provider, so the client's secret stays on the Host and the CLI needs to reach the
 * Host only. Every answer is read up to {@link #MAX_ANSWER} bytes.
 */
final class OidcProvider {
    static final int MAX_ANSWER = 64 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The provider's JSON (its metadata, answers and ID tokens), read leniently: providers add fields freely. */
    static final ObjectMapper JSON = new ObjectMapper();

    private final SsoSettings settings;
    private final HttpClient http;
    private volatile Endpoints endpoints;

    /** The provider's endpoints this flow uses, from its metadata. */
    record Endpoints(URI deviceAuthorization, URI token) {
    }

    /** A started sign-in: what the person opens and types, and what the Host polls with. */
    record DeviceCode(String deviceCode, String userCode, String verificationUri, String verificationUriComplete,
                      Duration expiresIn, Duration interval) {
    }

    /** The token endpoint's answer to a poll: tokens, or the OAuth error code ({@code authorization_pending}). */
    record TokenAnswer(String idToken, String error, String description) {
    }

    OidcProvider(SsoSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Starts a sign-in: a device code and the code the person types at the provider. */
    DeviceCode start() throws SsoException {
        // profile: where most providers put preferred_username
        JsonNode answer = post(endpoints().deviceAuthorization(), Map.of("scope", "openid profile"));
        if (answer.hasNonNull("error")) {
            throw new SsoException("the provider refused to start a sign-in: " + oauthError(answer));
        }
        String deviceCode = answer.path("device_code").asText("");
        String userCode = answer.path("user_code").asText("");
        String uri = answer.path("verification_uri").asText("");
        if (deviceCode.isEmpty() || userCode.isEmpty() || !uri.startsWith("http")) {
            throw new SsoException("the provider's device authorization answer lacks device_code, user_code or "
                    + "verification_uri");
        }
        String complete = answer.path("verification_uri_complete").asText("");
        return new DeviceCode(deviceCode, Text.printable(userCode, 64), Text.printable(uri, 512),
                complete.startsWith("http") ? Text.printable(complete, 512) : null,
                Duration.ofSeconds(Math.max(30, Math.min(1800, answer.path("expires_in").asLong(600)))),
                Duration.ofSeconds(Math.max(1, Math.min(60, answer.path("interval").asLong(5)))));
    }

    /** Asks the token endpoint whether the person approved the sign-in of {@code deviceCode}. */
    TokenAnswer poll(String deviceCode) throws SsoException {
        JsonNode answer = post(endpoints().token(), Map.of("grant_type",
                "urn:ietf:params:oauth:grant-type:device_code", "device_code", deviceCode));
        if (answer.hasNonNull("error")) {
            return new TokenAnswer(null, answer.path("error").asText(), oauthError(answer));
        }
        String idToken = answer.path("id_token").asText("");
        if (idToken.isEmpty()) {
            throw new SsoException("the provider's token answer has no id_token (is the openid scope allowed for "
                    + "client " + settings.clientId() + "?)");
        }
        return new TokenAnswer(idToken, null, null);
    }

    private Endpoints endpoints() throws SsoException {
        Endpoints known = endpoints;
        if (known != null) {
            return known;
        }
        JsonNode meta = read(HttpRequest.newBuilder(settings.discovery()).timeout(TIMEOUT).GET().build(),
                "its metadata at " + settings.discovery());
        String issuer = meta.path("issuer").asText("");
        if (!issuer.equals(settings.issuer().toString())) {
            throw new SsoException("the provider's metadata names issuer '" + Text.printable(issuer, 200)
                    + "', not sso_issuer '" + settings.issuer() + "': set sso_issuer to exactly the issuer");
        }
        String device = meta.path("device_authorization_endpoint").asText("");
        if (device.isEmpty()) {
            throw new SsoException("the provider at " + settings.issuer() + " offers no device authorization "
                    + "endpoint (RFC 8628); enable the device flow there");
        }
        known = new Endpoints(endpoint(device), endpoint(meta.path("token_endpoint").asText("")));
        endpoints = known;
        return known;
    }

    /** An endpoint from the metadata, held to the issuer's own security: https, or http on loopback. */
    private URI endpoint(String url) throws SsoException {
        try {
            URI uri = SsoSettings.issuer(url);
            if (settings.issuer().getScheme().equals("https") && !uri.getScheme().equals("https")) {
                throw new IllegalArgumentException("not https");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new SsoException("the provider's metadata names an endpoint this Host will not use: '"
                    + Text.printable(url, 200) + "'");
        }
    }

    private JsonNode post(URI uri, Map<String, String> fields) throws SsoException {
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.put("client_id", settings.clientId());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        if (settings.clientSecret() != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((encode(settings.clientId())
                    + ":" + encode(settings.clientSecret())).getBytes(StandardCharsets.UTF_8)));
        }
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return read(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), uri.toString());
    }

    /** Sends a request and reads its JSON answer (an OAuth error's included), at most {@link #MAX_ANSWER} bytes. */
    private JsonNode read(HttpRequest request, String what) throws SsoException {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_ANSWER + 1);
            }
            if (body.length > MAX_ANSWER) {
                throw new SsoException("the provider's answer from " + what + " is larger than " + MAX_ANSWER
                        + " bytes");
            }
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                json = null;
            }
            if (json == null || !json.isObject()) {
                throw new SsoException("the provider answered " + what + " with HTTP " + response.statusCode()
                        + " and no JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new SsoException("the provider does not answer at " + what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SsoException("interrupted while asking the provider");
        }
    }

    private static String oauthError(JsonNode answer) {
        String description = answer.path("error_description").asText("");
        return Text.printable(answer.path("error").asText() + (description.isEmpty() ? "" : " (" + description + ")"),
                300);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package dev.ferry.bastion;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.Host;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;

/** A Host's control API as the tests call it: the admin token from its data directory, answers as text or JSON. */
public final class HostApi {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String url;
    private final String token;

    public HostApi(Host host) throws IOException {
        this.url = host.apiUrl();
        this.token = Files.readString(host.dataDir().resolve(DataDir.ADMIN_TOKEN)).strip();
    }

    /** The answer to {@code METHOD path} with {@code body} (JSON, or null for none). */
    public HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer "
                + token).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public HttpResponse<String> get(String path) {
        return send("GET", path, null);
    }

    /** The JSON of a 2xx answer to {@code GET path}; an assertion error with the answer otherwise. */
    public JsonNode json(String path) {
        HttpResponse<String> r = get(path);
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " answered no JSON: " + r.body(), e);
        }
    }
}

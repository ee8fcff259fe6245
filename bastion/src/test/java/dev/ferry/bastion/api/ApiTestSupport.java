package dev.ferry.bastion.api;

import dev.ferry.api.Json;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.protocol.Credentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;

/** A Host on loopback ports in this JVM and a real HTTP client against its control API. */
final class ApiTestSupport implements AutoCloseable {
    record Reply(int status, JsonNode body) {
        String error() {
            return body.path("error").asText();
        }
    }

    final Host host;
    final String token;
    final String runnerToken;
    private final HttpClient http = HttpClient.newHttpClient();

    ApiTestSupport(Path dir) throws IOException {
        this(dir, ApiLimits.DEFAULTS);
    }

    ApiTestSupport(Path dir, ApiLimits limits) throws IOException {
        this(dir, limits, HostConfig.defaults(dir));
    }

    /** A Host of {@code config} on loopback ports. */
    ApiTestSupport(Path dir, ApiLimits limits, HostConfig config) throws IOException {
        host = Host.start(TestRegistries.of(config.withListeners("127.0.0.1", 0, "127.0.0.1", 0)), limits);
        token = Files.readString(dir.resolve("admin.token")).strip();
        runnerToken = Files.readString(dir.resolve("runner.token")).strip();
    }

    /** Enrolls a runner with the Host's runner.token (from loopback: this machine) and returns its credential. */
    String enroll(String name, String address) throws Exception {
        String credential = Credentials.create();
        Reply r = call("POST", "/api/v1/runners/enroll", enrollBody(name, address, credential), runnerToken);
        if (r.status() != 200) {
            throw new AssertionError("enrollment of " + name + " failed: " + r.body());
        }
        return credential;
    }

    /** The JSON of an enrollment as a runner sends it. */
    static String enrollBody(String name, String address, String credential) {
        return "{\"name\": \"" + name + "\", \"address\": \"" + address + "\", \"port_min\": 32768, "
                + "\"port_max\": 60999, \"credential_sha256\": \"" + Credentials.digest(credential) + "\"}";
    }

    Reply call(String method, String path, String body) throws Exception {
        return call(method, path, body, token);
    }

    Reply call(String method, String path, String body, String withToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(host.apiUrl() + path));
        if (withToken != null) {
            b.header("Authorization", "Bearer " + withToken);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), Json.MAPPER.readTree(r.body()));
    }

    /** The API's listening address, for raw connections. */
    InetSocketAddress apiAddress() {
        URI u = URI.create(host.apiUrl());
        return new InetSocketAddress(u.getHost(), u.getPort());
    }

    @Override
    public void close() {
        host.close();
    }
}

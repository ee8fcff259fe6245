package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.fleet.RunnerTrust;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A handler that fails with an Error (a class that cannot load, as a jar replaced under a running Host gives) still
 * answers its client, with a 500: before, the request hung until the client gave up.
 */
class ApiHandlerErrorTest {
    @Test
    void aHandlerFailingWithAnErrorIsAnswered500() throws Exception {
        Router router = new Router().route("GET", "/api/v1/broken", req -> {
            throw new NoClassDefFoundError("dev/ferry/api/Missing");
        });
        ApiDispatcher dispatcher = new ApiDispatcher(router, () -> "admin-token", () -> "metrics-token",
                new RunnerTrust(null, "join-token", Clock.systemUTC()), List.of(), null,
                new Authorizer(null, null, Clock.systemUTC()));
        try (ApiServer api = ApiServer.start(new InetSocketAddress("127.0.0.1", 0), dispatcher)) {
            URI broken = URI.create("http://127.0.0.1:" + api.address().getPort() + "/api/v1/broken");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(broken)
                    .header("Authorization", "Bearer admin-token").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode(), r.body());
            assertTrue(r.body().contains("internal error on the Host"), r.body());
        }
    }
}

package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.host.HostLogging;
import dev.ferry.bastion.net.ProxyBalancer;
import dev.ferry.testing.Opened;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control API behind a load balancer that speaks the PROXY protocol: the log and the runners' enrollment see
 * the client the header names; a header from an address not listed is refused, never believed.
 */
class ApiBehindBalancerTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path dir;

    private ApiTestSupport api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        HostLogging.init(Files.createDirectories(dir.resolve("logs")));
        Path host = dir.resolve("host");
        api = opened.add(new ApiTestSupport(host, ApiLimits.DEFAULTS, HostConfig.defaults(host)
                .with(HostSettings.PROXY_PROTOCOL_FROM, List.of("127.0.0.3"))));
    }

    private ProxyBalancer balancer(String from, byte[] header) throws Exception {
        return new ProxyBalancer(InetAddress.getByName(from), api.apiAddress(), header);
    }

    private HttpResponse<String> send(ProxyBalancer b, String method, String path, String body, String token)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String log() throws Exception {
        return Files.readString(dir.resolve("logs/ferry-host.log"));
    }

    @Test
    void theLogAndTheEnrollmentSeeTheClientTheHeaderNames() throws Exception {
        try (ProxyBalancer v1 = balancer("127.0.0.3", ProxyBalancer.v1("203.0.113.7", 40001));
             ProxyBalancer v2 = balancer("127.0.0.3", ProxyBalancer.v2("198.51.100.9", 40002))) {
            assertEquals(200, send(v1, "GET", "/api/v1/vps", null, api.token).statusCode());
            assertEquals(200, send(v2, "GET", "/api/v1/vps", null, api.token).statusCode());
            String log = log();
            assertTrue(log.contains("api GET /api/v1/vps -> 200") && log.contains("from 203.0.113.7"), log);
            assertTrue(log.contains("from 198.51.100.9"), log);
            // a runner enrolling from elsewhere may not claim an address of the Host's machine: the balancer's
            // loopback connection is not taken for this machine
            HttpResponse<String> enroll = send(v1, "POST", "/api/v1/runners/enroll",
                    ApiTestSupport.enrollBody("r9", "127.0.0.1", "credential-of-r9"), api.runnerToken);
            assertEquals(403, enroll.statusCode(), enroll.body());
        }
        // the same enrollment straight from this machine is the Host's own
        assertEquals(200, api.call("POST", "/api/v1/runners/enroll",
                ApiTestSupport.enrollBody("r9", "127.0.0.1", "credential-of-r9"), api.runnerToken).status());
    }

    @Test
    void aHeaderFromAnAddressNotListedIsRefusedAndNeverBelieved() throws Exception {
        try (ProxyBalancer spoof = balancer("127.0.0.4", ProxyBalancer.v1("203.0.113.66", 40003))) {
            int status;
            try {
                status = send(spoof, "GET", "/api/v1/vps", null, api.token).statusCode();
            } catch (java.io.IOException e) {
                status = -1; // closed without an answer
            }
            assertNotEquals(200, status);
        }
        Thread.sleep(300);
        assertFalse(log().contains("203.0.113.66"), "a header from anywhere else names nobody");
    }
}

package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} scraped as Prometheus does (a bearer token, the text format) before and after a scripted
 * session with the real ssh: logins, channels by mode with their bytes, refusals, penalties, API calls, registry
 * calls, and the Host's VPS and runners.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;
    private Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        t = opened.add(BastionTestSupport.start(dir));
        t.startWebVps();
    }

    private HttpResponse<String> scrape(String token) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(t.host.apiUrl() + "/metrics"));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String metrics() throws Exception {
        HttpResponse<String> r = scrape(Files.readString(dir.resolve("host/metrics.token")).strip());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                r.headers().toString());
        return r.body();
    }

    /** A sample's value, 0 when the series is not there yet. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aScriptedSessionShowsInTheCounters() throws Exception {
        String before = metrics();
        String user = SshClientFixture.user();
        assertEquals("jumped", t.alice.ssh("-J", "vps-web@" + t.bastion, user + "@vps-web", "echo jumped")
                .requireSuccess().out().strip());
        assertEquals("plain", t.sshTo(t.alice, "vps-web+" + user, "echo plain").requireSuccess().out().strip());
        SshClientFixture mallory = t.client("mallory-metrics", List.of(t.malloryKey), null);
        Processes.Result denied = t.sshTo(mallory, List.of("-b", "127.0.0.5"), "vps-web", "true");
        assertTrue(denied.exit() != 0, denied.toString());
        t.alice.ssh("-W", "example.com:22", "-p", Integer.toString(t.port), "jump@127.0.0.1");
        t.audit.await("penalty", e -> AuditEvents.has(e, "source", "127.0.0.5"), 10);
        Thread.sleep(500); // the closes are counted as the bastion sees them
        String after = metrics();

        assertTrue(value(after, "ferry_logins_total{result=\"accepted\"}")
                >= value(before, "ferry_logins_total{result=\"accepted\"}") + 3, after);
        assertTrue(value(after, "ferry_logins_total{result=\"refused\"}")
                >= value(before, "ferry_logins_total{result=\"refused\"}") + 1, after);
        for (String mode : List.of("jump", "plain")) {
            assertTrue(value(after, "ferry_channels_total{mode=\"" + mode + "\"}")
                    >= value(before, "ferry_channels_total{mode=\"" + mode + "\"}") + 1, mode + ":\n" + after);
            assertTrue(value(after, "ferry_channel_bytes_total{direction=\"from_vps\",mode=\"" + mode + "\"}")
                    > value(before, "ferry_channel_bytes_total{direction=\"from_vps\",mode=\"" + mode + "\"}"),
                    mode + ":\n" + after);
        }
        assertTrue(value(after, "ferry_channels_refused_total") >= value(before, "ferry_channels_refused_total") + 1);
        assertTrue(value(after, "ferry_penalties_total") >= value(before, "ferry_penalties_total") + 1, after);
        assertEquals(1, value(after, "ferry_vps{status=\"running\"}"), after);
        assertEquals(0, value(after, "ferry_runners{status=\"online\"}"), after);
        assertTrue(value(after, "ferry_api_request_seconds_count{method=\"GET\",status=\"200\"}") >= 1, after);
        assertTrue(value(after, "ferry_registry_seconds_count{kind=\"query\"}")
                > value(before, "ferry_registry_seconds_count{kind=\"query\"}"), after);
        assertTrue(after.contains("# HELP ferry_sessions_open "), after);
    }

    @Test
    void onlyTheMetricsOrAdminTokenScrapes() throws Exception {
        assertEquals(401, scrape(null).statusCode());
        assertEquals(401, scrape(Files.readString(dir.resolve("host/runner.token")).strip()).statusCode());
        assertEquals(200, scrape(Files.readString(dir.resolve("host/admin.token")).strip()).statusCode());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("host/metrics.token"))));
    }
}

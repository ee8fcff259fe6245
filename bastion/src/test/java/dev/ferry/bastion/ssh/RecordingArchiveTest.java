package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.HostApi;
import dev.ferry.bastion.S3ProxyServer;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.registry.PostgresServer;
import dev.ferry.bastion.registry.RegistryLocation;
import dev.ferry.bastion.sessions.ArchiveUrl;
import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recordings in an S3-compatible store (recordings_url), with S3Proxy as the store and two Hosts on one PostgreSQL
 * registry: a closed recording leaves the disk of the Host that wrote it for the bucket and plays, exports and
 * verifies from the other Host; a store that is down keeps it on the disk, readable there, until it answers again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordingArchiveTest {
    private static final String BUCKET = "recordings";

    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private S3ProxyServer s3;
    private PlainModeTestSupport plain;
    private BastionTestSupport t;
    private HostApi a;
    private Host other;
    private HostApi b;
    private Path dir;
    private RegistryLocation registry;
    private ArchiveUrl url;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        s3 = opened.add(S3ProxyServer.start(dir.resolve("s3"), BUCKET));
        // the SDK's default credentials, as a Host reads them (its environment is the test JVM's)
        System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);
        registry = PostgresServer.get().newDatabase();
        url = ArchiveUrl.parse("s3://" + BUCKET + "/fleet?endpoint=" + s3.endpoint());
        plain = PlainModeTestSupport.start(dir, opened, c -> c.withRegistry(registry)
                .with(HostSettings.RECORDINGS_URL, url));
        t = plain.t;
        a = new HostApi(t.host);
        startOther();
    }

    /** Host b, on its own data directory, the same registry and store. */
    private void startOther() throws Exception {
        other = Host.start(HostConfig.defaults(dir.resolve("b")).withListeners("127.0.0.1", 0, "127.0.0.1", 0)
                .with(HostSettings.INSTANCE_ID, 2).withRegistry(registry).with(HostSettings.RECORDINGS_URL, url));
        b = new HostApi(other);
    }

    @AfterAll
    void stopOtherAndForgetCredentials() {
        other.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    /** Runs {@code command} as alice through Host a; the session's id. */
    private String session(String... command) {
        List<String> before = t.audit.loggedIn();
        plain.alice(command).requireSuccess();
        return t.audit.awaitLogin(before, 10);
    }

    /** Session {@code id}'s files as host {@code api} lists them, once each is where {@code stored} says. */
    private List<JsonNode> files(HostApi api, String id, String stored) {
        return Await.value("the recording of " + id + " " + stored, Duration.ofSeconds(40), () -> {
            HttpResponse<String> r = api.get("/api/v1/sessions/" + id + "/recordings");
            return r.statusCode() != 200 ? List.<JsonNode>of() : StreamSupport.stream(api.json("/api/v1/sessions/"
                    + id + "/recordings").get("recordings").spliterator(), false).toList();
        }, files -> !files.isEmpty() && files.stream().allMatch(f -> !f.get("closed_at").isNull()
                && f.get("stored").asText().equals(stored)));
    }

    @Test
    void aClosedRecordingMovesToTheBucketAndPlaysFromAnotherHost() throws Exception {
        String id = session("echo", "archived-42");
        List<JsonNode> files = files(a, id, "object store");
        String name = files.get(0).get("name").asText();
        assertFalse(Files.exists(t.host.dataDir().resolve("recordings").resolve(name)), "gone from a's disk");
        assertTrue(Files.exists(s3.object(BUCKET, "fleet/" + name)), "in the bucket, under the prefix");

        HttpResponse<String> events = b.get("/api/v1/sessions/" + id + "/events");
        assertEquals(200, events.statusCode(), events.body());
        assertTrue(events.body().contains("archived-42"), events.body());
        JsonNode verified = b.json("/api/v1/sessions/" + id + "/verify").get("files").get(0);
        assertEquals("ok", verified.get("status").asText(), verified.toString());

        // a changed object no longer matches the SHA-256 kept in the registry
        Files.write(s3.object(BUCKET, "fleet/" + name), new byte[] {31, -117, 8, 0, 0, 0, 0, 0, 0, -1, 3, 0, 0, 0, 0,
                0, 0, 0, 0, 0});
        verified = b.json("/api/v1/sessions/" + id + "/verify").get("files").get(0);
        assertEquals("modified", verified.get("status").asText(), verified.toString());
    }

    @Test
    void aStoreThatIsDownKeepsTheRecordingOnTheDiskUntilItAnswers() throws Exception {
        s3.stop();
        String id;
        try {
            id = session("echo", "kept-7");
            JsonNode failed = t.audit.await("recording_archive_failed", e -> e.path("session").asText().equals(id),
                    20);
            assertTrue(failed.get("store").asText().startsWith("s3://" + BUCKET + "/fleet"), failed.toString());
            String name = files(a, id, "host").get(0).get("name").asText();
            assertTrue(Files.exists(t.host.dataDir().resolve("recordings").resolve(name)), "still on a's disk");
            HttpResponse<String> here = a.get("/api/v1/sessions/" + id + "/events");
            assertEquals(200, here.statusCode(), here.body());
            assertTrue(here.body().contains("kept-7"), here.body());
            HttpResponse<String> there = b.get("/api/v1/sessions/" + id + "/events");
            assertEquals(404, there.statusCode(), there.body());
            assertTrue(there.body().contains("is not on this Host") && there.body().contains(t.host.dataDir()
                    .toString()), there.body());
        } finally {
            s3.start();
        }
        files(a, id, "object store");
        HttpResponse<String> there = b.get("/api/v1/sessions/" + id + "/events");
        assertEquals(200, there.statusCode(), there.body());
        assertTrue(there.body().contains("kept-7"), there.body());
    }

    @Test
    void whatAHostLeftOnItsDiskIsStoredWhenItStartsAgain() throws Exception {
        s3.stop();
        String id;
        String name;
        try {
            List<String> before = t.audit.loggedIn();
            t.alice.ssh("-p", Integer.toString(other.sshAddress().getPort()), "vps-web@127.0.0.1", "echo", "left-9")
                    .requireSuccess();
            id = t.audit.awaitLogin(before, 10);
            t.audit.await("recording_archive_failed", e -> e.path("session").asText().equals(id), 20);
            name = files(b, id, "host").get(0).get("name").asText();
            other.close();
        } finally {
            s3.start();
        }
        Path left = dir.resolve("b").resolve("recordings").resolve(name);
        assertTrue(Files.exists(left), "b stopped with the recording on its disk");
        startOther();
        files(a, id, "object store");
        assertFalse(Files.exists(left), "stored at b's start, then deleted from its disk");
        HttpResponse<String> events = a.get("/api/v1/sessions/" + id + "/events");
        assertEquals(200, events.statusCode(), events.body());
        assertTrue(events.body().contains("left-9"), events.body());
    }
}

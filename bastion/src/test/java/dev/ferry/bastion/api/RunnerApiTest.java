package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.LogTail;
import dev.ferry.bastion.SmallDisk;
import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostLogging;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.Credentials;
import dev.ferry.testing.Opened;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The runner endpoints through a real HTTP client, with the JSON a runner sends (protocol v1 names). */
class RunnerApiTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path dir;

    private ApiTestSupport api;
    private String credential;
    private final SshPublicKey alice = TestKeys.ed25519("alice");

    @BeforeEach
    void start() throws Exception {
        api = opened.add(new ApiTestSupport(dir));
        credential = api.enroll("r1", "127.0.0.1");
    }

    private ApiTestSupport.Reply register() throws Exception {
        return register("r1", "127.0.0.1", credential);
    }

    private ApiTestSupport.Reply register(String name, String address, String withToken) throws Exception {
        return api.call("POST", "/api/v1/runners/register", "{\"name\": \"" + name + "\", \"address\": \"" + address
                + "\", \"cpus\": 2, \"memory_bytes\": 8589934592, \"docker\": {\"ok\": true, \"error\": null, "
                + "\"version\": \"28.2\"}}", withToken);
    }

    private ApiTestSupport.Reply heartbeat(String session, String containers) throws Exception {
        return heartbeat("r1", session, containers, credential);
    }

    private ApiTestSupport.Reply heartbeat(String name, String session, String containers, String withToken)
            throws Exception {
        return api.call("POST", "/api/v1/runners/" + name + "/heartbeat", "{\"docker\": {\"ok\": true, "
                + "\"version\": \"28.2\"}, \"session\": \"" + session + "\", \"containers\": [" + containers + "]}",
                withToken);
    }

    private String create() throws Exception {
        ApiTestSupport.Reply r = api.call("POST", "/api/v1/vps", "{\"image\": \"ferry-test/sshd:1\", \"keys\": [\""
                + alice.toOpenSsh() + "\"]}");
        assertEquals(201, r.status(), r.body().toString());
        return r.body().get("id").asText();
    }

    private static String report(String id, String state, boolean ready) {
        return "{\"vps_id\": \"" + id + "\", \"container_id\": \"c1\", \"state\": \"" + state + "\", "
                + "\"ssh_port\": 32768, \"ssh_ready\": " + ready + ", \"error\": null, \"started_at\": null}";
    }

    @Test
    void reportsAFullDiskCannotTakeWaitWithOneWarningAndLandOnceThereIsRoom() throws Exception {
        assumeFalse(TestRegistries.postgres(), "the disk of the H2 file; a PostgreSQL registry is on its server");
        api.close();
        SmallDisk disk = SmallDisk.mount(dir.resolve("small"), 8);
        try {
            Path logs = Files.createDirectories(dir.resolve("logs"));
            HostLogging.init(logs);
            api = new ApiTestSupport(disk.dir());
            credential = api.enroll("r1", "127.0.0.1");
            String session = register().body().get("session").asText();
            String id = create();
            disk.fill();
            Path file = logs.resolve("ferry-host.log");
            LogTail tail = LogTail.of(file);
            for (int i = 0; i < 5; i++) {
                ApiTestSupport.Reply hb = heartbeat(session, report(id, "running", true));
                assertEquals(200, hb.status(), "the runner is answered all the same: " + hb.body());
            }
            String log = Files.readString(file);
            assertFalse(log.contains(" ERROR "), "a full disk is no error of the Host's: " + log);
            // the lines about this VPS: the warning, but not one each heartbeat
            List<String> aboutIt = tail.lines().stream().filter(l -> l.contains(id)).toList();
            assertTrue(aboutIt.stream().anyMatch(l -> l.contains("runner r1: the report on vps " + id + " waits: ")
                    && l.contains("no space left")), log);
            assertTrue(aboutIt.size() < 5, "5 heartbeats wrote " + aboutIt.size() + " lines about the VPS: " + aboutIt);
            assertEquals("assigning", api.call("GET", "/api/v1/vps/" + id, null).body().get("status").asText());

            disk.free();
            assertEquals(200, heartbeat(session, report(id, "running", true)).status());
            assertEquals("running", api.call("GET", "/api/v1/vps/" + id, null).body().get("status").asText());
        } finally {
            api.close();
            disk.close();
            api = new ApiTestSupport(dir.resolve("after")); // for stop()
        }
    }

    @Test
    void aRunnerRegistersAndLearnsWhatTheHostWants() throws Exception {
        ApiTestSupport.Reply reg = register();
        assertEquals(200, reg.status(), reg.body().toString());
        assertTrue(reg.body().get("heartbeat_seconds").asInt() > 0);
        assertTrue(reg.body().get("registry_id").asText().matches("[0-9a-f-]{36}"), reg.body().toString());
        String session = reg.body().get("session").asText();
        String id = create();

        ApiTestSupport.Reply hb = heartbeat(session, report(id, "running", true));
        assertEquals(200, hb.status(), hb.body().toString());
        JsonNode d = hb.body().get("vps").get(0);
        assertEquals(id, d.get("vps_id").asText());
        assertEquals("ferry-test/sshd:1", d.get("image").asText());
        assertEquals("running", d.get("state").asText());
        assertEquals(alice.toOpenSsh(), d.get("authorized_keys").get(0).asText());
        assertEquals("running", api.call("GET", "/api/v1/vps/" + id, null).body().get("status").asText());
    }

    @Test
    void runnersLearnTheUserCaAndTheirReportedHostKeyIsStored() throws Exception {
        String ca = Host.userCaLine(api.host.userCa());
        ApiTestSupport.Reply reg = register();
        assertEquals(ca, reg.body().get("user_ca_keys").get(0).asText());
        String id = create();
        SshPublicKey hostKey = TestKeys.ed25519("root@vps");
        String report = report(id, "running", true).replace("}", ", \"host_key\": \"" + hostKey.toOpenSsh() + "\"}");
        ApiTestSupport.Reply hb = heartbeat(reg.body().get("session").asText(), report);
        assertEquals(200, hb.status(), hb.body().toString());
        assertEquals(ca, hb.body().get("user_ca_keys").get(0).asText());
        assertEquals(1, hb.body().get("user_ca_keys").size());
        assertEquals(hostKey.type() + " " + hostKey.base64(),
                api.call("GET", "/api/v1/vps/" + id, null).body().get("host_key").asText());
    }

    @Test
    void aStateWordOfANewerRunnerLeavesTheVpsBeingSetUp() throws Exception {
        String session = register().body().get("session").asText();
        String id = create();
        ApiTestSupport.Reply hb = heartbeat(session, report(id, "hibernating", true));
        assertEquals(200, hb.status(), hb.body().toString());
        assertEquals("assigning", api.call("GET", "/api/v1/vps/" + id, null).body().get("status").asText());
    }

    @Test
    void aTenantsEndlessErrorWithEscapesIsBoundedAndMadePrintable() throws Exception {
        // the start-up step's output is the container's: 10 KiB with terminal escapes once broke every heartbeat
        String session = register().body().get("session").asText();
        String id = create();
        String error = "\\u001b[2J\\u001b]0;owned\\u0007" + "x".repeat(10_240);
        ApiTestSupport.Reply hb = heartbeat(session, report(id, "failed", false).replace("\"error\": null",
                "\"error\": \"" + error + "\""));
        assertEquals(200, hb.status(), hb.body().toString());
        String stored = api.call("GET", "/api/v1/vps/" + id, null).body().get("last_error").asText();
        assertEquals("failed", api.call("GET", "/api/v1/vps/" + id, null).body().get("status").asText());
        assertTrue(stored.length() <= 1003, "bounded: " + stored.length());
        assertTrue(stored.startsWith("?[2J?]0;owned?xxx"), stored.substring(0, 20));
        assertTrue(stored.chars().noneMatch(Character::isISOControl), "no control characters");
    }

    @Test
    void malformedReportsAreRefusedNamingTheField() throws Exception {
        String session = register().body().get("session").asText();
        ApiTestSupport.Reply r = heartbeat(session, "{\"vps_id\": \"1\", \"ssh_port\": \"many\"}");
        assertEquals(400, r.status(), r.body().toString());
        assertTrue(r.error().contains("ssh_port"), r.error());
    }

    @Test
    void theSharedRunnerTokenOnlyEnrolls() throws Exception {
        ApiTestSupport.Reply reg = register("r1", "127.0.0.1", api.runnerToken);
        assertEquals(401, reg.status(), "a join token is no runner's credential");
        assertEquals("missing or unknown runner credential: a runner enrolls once with a join token and then uses "
                + "the credential it was given; a runner removed with 'ferry node remove' enrolls again", reg.error());
        String session = register().body().get("session").asText();
        assertEquals(401, heartbeat("r1", session, "", api.runnerToken).status());
        assertEquals(401, heartbeat("r1", session, "", null).status());
        assertEquals(401, heartbeat("r1", session, "", "ferry-runner.forged").status());
        assertEquals(200, heartbeat(session, "").status());
    }

    @Test
    void aRunnerNameCannotBeTakenOverWithTheJoinToken() throws Exception {
        String session = register().body().get("session").asText();
        ApiTestSupport.Reply again = api.call("POST", "/api/v1/runners/enroll", ApiTestSupport.enrollBody("r1",
                "127.0.0.66", Credentials.create()), api.runnerToken);
        assertEquals(409, again.status(), again.body().toString());
        assertEquals(200, heartbeat(session, "").status(), "the real runner goes on, not evicted");
        JsonNode node = api.call("GET", "/api/v1/nodes", null).body().get("nodes").get(0);
        assertEquals("127.0.0.1", node.get("address").asText());
        assertEquals("32768-60999", node.get("ports").asText());
    }

    @Test
    void aCredentialSpeaksForItsOwnRunnerOnlyAndHearsOnlyOfItsOwnVps() throws Exception {
        String session = register().body().get("session").asText();
        String other = api.enroll("r2", "127.0.0.2");
        String otherSession = register("r2", "127.0.0.2", other).body().get("session").asText();
        String mine = create();
        ApiTestSupport.Reply theirs = api.call("POST", "/api/v1/vps", "{\"image\": \"ferry-test/sshd:1\", \"runner\": "
                + "\"r2\", \"keys\": [\"" + alice.toOpenSsh() + "\"]}");
        String theirsId = theirs.body().get("id").asText();
        assertEquals(200, heartbeat(session, report(mine, "running", true)).status());

        ApiTestSupport.Reply asOther = heartbeat("r2", session, report(theirsId, "running", true), credential);
        assertEquals(403, asOther.status(), asOther.body().toString());
        assertEquals("this credential belongs to runner r1, not to r2: a runner speaks for itself only", asOther.error());
        assertEquals(403, register("r2", "127.0.0.2", credential).status());
        // a report on r2's VPS inside r1's own heartbeat changes nothing of it
        ApiTestSupport.Reply mixed = heartbeat(session, report(mine, "running", true) + ","
                + report(theirsId, "running", true));
        assertEquals(200, mixed.status(), mixed.body().toString());
        assertEquals("assigning", api.call("GET", "/api/v1/vps/" + theirsId, null).body().get("status").asText());
        assertEquals(1, mixed.body().get("vps").size(), "only its own VPS: " + mixed.body());
        assertEquals(mine, mixed.body().get("vps").get(0).get("vps_id").asText());
        assertEquals(200, heartbeat("r2", otherSession, "", other).status());
    }

    @Test
    void oneTimeJoinTokensAndRemovalAreTheAdminsWay() throws Exception {
        ApiTestSupport.Reply token = api.call("POST", "/api/v1/nodes/tokens", "{\"ttl_seconds\": 600}");
        assertEquals(201, token.status(), token.body().toString());
        String join = token.body().get("token").asText();
        String r2 = Credentials.create();
        String enroll = ApiTestSupport.enrollBody("r2", "127.0.0.2", r2);
        assertEquals(200, api.call("POST", "/api/v1/runners/enroll", enroll, join).status());
        ApiTestSupport.Reply used = api.call("POST", "/api/v1/runners/enroll", ApiTestSupport.enrollBody("r3",
                "127.0.0.3", Credentials.create()), join);
        assertEquals(401, used.status(), "one time only");
        assertEquals("missing, wrong, used or expired join token: enroll with the Host's runner.token, or a one-time "
                + "token from: ferry node token", used.error());
        assertEquals(401, api.call("POST", "/api/v1/nodes/tokens", "{}", join).status(), "admins make tokens");

        assertEquals(200, register().status());
        ApiTestSupport.Reply removed = api.call("DELETE", "/api/v1/nodes/r1", null);
        assertEquals(200, removed.status(), removed.body().toString());
        assertEquals(401, register().status(), "its credential is gone with it");
        assertEquals(404, api.call("DELETE", "/api/v1/nodes/r1", null).status());
        String fresh = api.enroll("r1", "127.0.0.9");
        assertEquals(200, register("r1", "127.0.0.9", fresh).status(), "the replacement machine enrolls");
    }
}

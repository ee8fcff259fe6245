package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.host.Host;
import dev.ferry.keys.SshPublicKey;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner endpoints through a real HTTP client, with the JSON a runner sends (protocol v1 names). */
class RunnerApiTest {
    @TempDir
    Path dir;

    private ApiTestSupport api;
    private final SshPublicKey alice = TestKeys.ed25519("alice");

    @BeforeEach
    void start() throws Exception {
        api = new ApiTestSupport(dir);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private ApiTestSupport.Reply register() throws Exception {
        return api.call("POST", "/api/v1/runners/register", "{\"name\": \"r1\", \"address\": \"127.0.0.1\", "
                + "\"cpus\": 2, \"memory_bytes\": 8589934592, \"docker\": {\"ok\": true, \"error\": null, "
                + "\"version\": \"28.2\"}}", api.runnerToken);
    }

    private ApiTestSupport.Reply heartbeat(String session, String containers) throws Exception {
        return api.call("POST", "/api/v1/runners/r1/heartbeat", "{\"docker\": {\"ok\": true, \"version\": \"28.2\"}, "
                + "\"session\": \"" + session + "\", \"containers\": [" + containers + "]}", api.runnerToken);
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
}

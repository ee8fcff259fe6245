package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.TestKeys;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Opened;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ControlApiTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path dir;

    private ApiTestSupport api;
    private final SshPublicKey alice = TestKeys.ed25519("alice@laptop");
    private final SshPublicKey bob = TestKeys.ed25519("bob");

    @BeforeEach
    void start() throws Exception {
        api = opened.add(new ApiTestSupport(dir));
    }

    private String createBody(String name, SshPublicKey... keys) {
        StringBuilder b = new StringBuilder("{\"endpoint\": \"127.0.0.1:2200\", ");
        if (name != null) {
            b.append("\"name\": \"").append(name).append("\", ");
        }
        b.append("\"keys\": [");
        for (int i = 0; i < keys.length; i++) {
            b.append(i == 0 ? "" : ", ").append('"').append(keys[i].toOpenSsh()).append('"');
        }
        return b.append("]}").toString();
    }

    private int vpsCount() throws Exception {
        return api.call("GET", "/api/v1/vps", null).body().get("vps").size();
    }

    @Test
    void createsAVpsWithAStringId() throws Exception {
        ApiTestSupport.Reply r = api.call("POST", "/api/v1/vps", createBody("Web", alice));
        assertEquals(201, r.status(), r.body().toString());
        assertTrue(r.body().get("id").isTextual(), "ids travel as strings");
        assertTrue(r.body().get("id").asText().matches("[0-9]{19}"), r.body().toString());
        assertEquals("web", r.body().get("name").asText());
        assertEquals("running", r.body().get("status").asText());
        assertEquals(alice.fingerprint(), r.body().get("keys").get(0).get("fingerprint").asText());
        ApiTestSupport.Reply byName = api.call("GET", "/api/v1/vps/WEB", null);
        assertEquals(200, byName.status());
        assertEquals(r.body().get("id"), byName.body().get("id"));
    }

    @Test
    void refusesMissingAndWrongTokensAndChangesNothing() throws Exception {
        ApiTestSupport.Reply none = api.call("POST", "/api/v1/vps", createBody(null, alice), null);
        assertEquals(401, none.status());
        assertTrue(none.error().contains("Bearer"), none.error());
        ApiTestSupport.Reply wrong = api.call("POST", "/api/v1/vps", createBody(null, alice), api.token + "x");
        assertEquals(401, wrong.status());
        assertEquals(401, api.call("GET", "/api/v1/vps", null, "").status());
        assertEquals(401, api.call("GET", "/api/v1/nowhere", null, null).status(),
                "unknown paths must not be told apart before authentication");
        assertEquals(0, vpsCount());
    }

    @Test
    void healthNeedsNoToken() throws Exception {
        assertEquals(200, api.call("GET", "/api/v1/health", null, null).status());
    }

    @Test
    void namesTheProblemInMalformedBodies() throws Exception {
        assertBad("{\"endpoint\": ", "not valid JSON");
        assertBad("", "body is empty");
        assertBad("[1, 2]", "must be a JSON object");
        assertBad("{\"endpoint\": \"127.0.0.1:22\", \"keys\": [\"" + alice.toOpenSsh() + "\"], \"colour\": 1}",
                "unknown field 'colour'");
        assertBad("{\"endpoint\": \"127.0.0.1:22\", \"keys\": \"" + alice.toOpenSsh() + "\"}", "'keys'");
        assertBad("{\"keys\": [\"" + alice.toOpenSsh() + "\"]}", "give either 'endpoint' (an external sshd) or 'image'");
        assertBad("{\"endpoint\": \"127.0.0.1\", \"keys\": [\"" + alice.toOpenSsh() + "\"]}", "HOST:PORT");
        assertBad("{\"endpoint\": \"127.0.0.1:22\", \"keys\": []}", "'keys' is required");
        assertBad("{\"endpoint\": \"127.0.0.1:22\", \"keys\": [\"" + alice.toOpenSsh()
                + "\", \"ssh-dss AAAAB3NzaC1kc3M= old\"]}", "keys[1]: unsupported key type 'ssh-dss'");
        assertBad("{\"endpoint\": \"127.0.0.1:22\", \"name\": \"9lives\", \"keys\": [\"" + alice.toOpenSsh() + "\"]}",
                "name '9lives' is not valid");
        String longComment = alice.toOpenSsh().split(" ")[0] + " " + alice.toOpenSsh().split(" ")[1] + " "
                + "c".repeat(1500);
        assertBad("{\"endpoint\": \"127.0.0.1:22\", \"keys\": [\"" + longComment + "\"]}",
                "keys[0]: the comment is 1500 characters long; at most 1024 are kept");
        assertBad("{\"endpoint\": \"127.0.0.1:22\", \"name\": 123, \"keys\": [\"" + alice.toOpenSsh() + "\"]}",
                "'name'");
        assertEquals(0, vpsCount());
    }

    private void assertBad(String body, String expected) throws Exception {
        ApiTestSupport.Reply r = api.call("POST", "/api/v1/vps", body);
        assertEquals(400, r.status(), body + " -> " + r.body());
        assertTrue(r.error().contains(expected), "'" + r.error() + "' should contain '" + expected + "'");
    }

    @Test
    void duplicateNameIsAConflict() throws Exception {
        assertEquals(201, api.call("POST", "/api/v1/vps", createBody("web", alice)).status());
        ApiTestSupport.Reply r = api.call("POST", "/api/v1/vps", createBody("web", bob));
        assertEquals(409, r.status());
        assertTrue(r.error().contains("already exists"), r.error());
    }

    @Test
    void addsListsAndRemovesKeysByFingerprint() throws Exception {
        String id = api.call("POST", "/api/v1/vps", createBody(null, alice)).body().get("id").asText();
        ApiTestSupport.Reply added = api.call("POST", "/api/v1/vps/" + id + "/keys",
                "{\"keys\": [\"" + bob.toOpenSsh() + "\"]}");
        assertEquals(201, added.status(), added.body().toString());
        assertEquals(bob.fingerprint(), added.body().get("added").get(0).get("fingerprint").asText());
        assertEquals(2, api.call("GET", "/api/v1/vps/" + id + "/keys", null).body().get("keys").size());

        String fp = URLEncoder.encode(alice.fingerprint(), StandardCharsets.UTF_8);
        ApiTestSupport.Reply removed = api.call("DELETE", "/api/v1/vps/" + id + "/keys/" + fp, null);
        assertEquals(200, removed.status(), removed.body().toString());
        assertEquals(alice.fingerprint(), removed.body().get("removed").get("fingerprint").asText());

        String last = URLEncoder.encode(bob.fingerprint(), StandardCharsets.UTF_8);
        ApiTestSupport.Reply refused = api.call("DELETE", "/api/v1/vps/" + id + "/keys/" + last, null);
        assertEquals(409, refused.status());
        assertTrue(refused.error().contains("last key"), refused.error());
    }

    @Test
    void unknownVpsIsNotFoundAndBadReferenceIsBadRequest() throws Exception {
        ApiTestSupport.Reply missing = api.call("GET", "/api/v1/vps/1234567890123456789", null);
        assertEquals(404, missing.status());
        assertTrue(missing.error().contains("1234567890123456789"), missing.error());
        assertEquals(400, api.call("GET", "/api/v1/vps/..%2Fetc", null).status());
        assertEquals(404, api.call("DELETE", "/api/v1/vps/nope", null).status());
    }

    @Test
    void removesAVps() throws Exception {
        String id = api.call("POST", "/api/v1/vps", createBody("gone", alice)).body().get("id").asText();
        ApiTestSupport.Reply r = api.call("DELETE", "/api/v1/vps/gone", null);
        assertEquals(200, r.status());
        assertEquals(id, r.body().get("removed").get("id").asText());
        assertEquals(0, vpsCount());
    }

    @Test
    void anExternalVpsMayBeRegisteredWithItsHostKey() throws Exception {
        SshPublicKey hostKey = TestKeys.ed25519("root@vps");
        ApiTestSupport.Reply r = api.call("POST", "/api/v1/vps", "{\"endpoint\": \"127.0.0.1:2200\", \"keys\": [\""
                + alice.toOpenSsh() + "\"], \"host_key\": \"" + hostKey.toOpenSsh() + "\"}");
        assertEquals(201, r.status(), r.body().toString());
        String line = hostKey.type() + " " + hostKey.base64();
        assertEquals(line, r.body().get("host_key").asText(), "kept without its comment");
        String id = r.body().get("id").asText();
        assertEquals(line, api.call("GET", "/api/v1/vps/" + id, null).body().get("host_key").asText());
        assertTrue(api.call("POST", "/api/v1/vps", createBody(null, bob)).body().get("host_key").isNull(),
                "unknown until the bastion's first contact");
    }

    @Test
    void aMalformedHostKeyIsRefusedNamingTheField() throws Exception {
        assertBad("{\"endpoint\": \"127.0.0.1:22\", \"keys\": [\"" + alice.toOpenSsh()
                + "\"], \"host_key\": \"ssh-ed25519 bm90IGEga2V5\"}", "field 'host_key'");
        assertBad("{\"endpoint\": \"127.0.0.1:22\", \"keys\": [\"" + alice.toOpenSsh()
                + "\"], \"host_key\": \"" + bob.toOpenSsh() + " " + "c".repeat(5000) + "\"}", "field 'host_key'");
        assertBad("{\"image\": \"img:1\", \"keys\": [\"" + alice.toOpenSsh()
                + "\"], \"host_key\": \"" + bob.toOpenSsh() + "\"}", "'host_key' goes with 'endpoint'");
        assertEquals(0, vpsCount());
    }

    @Test
    void theUserCaPublicKeyIsGivenToTheAdminOnly() throws Exception {
        ApiTestSupport.Reply r = api.call("GET", "/api/v1/ca/user-key", null);
        assertEquals(200, r.status(), r.body().toString());
        SshPublicKey ca = SshPublicKey.parse(r.body().get("public_key").asText());
        assertTrue(ca.sameKey(SshPublicKey.of(api.host.userCa().getPublic(), null)), "the Host's user CA");
        assertEquals("ssh-ed25519", ca.type());
        assertEquals("ferry-user-ca", ca.comment());
        assertEquals(401, api.call("GET", "/api/v1/ca/user-key", null, null).status());
        assertEquals(401, api.call("GET", "/api/v1/ca/user-key", null, api.runnerToken).status());
    }

    @Test
    void wrongMethodAndUnknownPathAreAnswered() throws Exception {
        ApiTestSupport.Reply r = api.call("PUT", "/api/v1/vps", "{}");
        assertEquals(405, r.status());
        assertTrue(r.error().contains("GET") && r.error().contains("POST"), r.error());
        assertEquals(404, api.call("GET", "/api/v2/things", null).status());
    }
}

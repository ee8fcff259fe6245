package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every control API route, called with an admin's, an auditor's and a member's own token (issue 22): allowed
 * (any answer but 403) or refused with a 403 and a sentence, as the table below says. The table is written here,
 * not read from the routes, and must name every route the Host serves: a new route without a row fails.
 */
class RoleMatrixTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path dir;

    /** Y: allowed; N: 403. */
    private static final boolean Y = true;
    private static final boolean N = false;

    /** One call: its route's pattern, the path called, a body, and whether admin, auditor and member may. */
    private record Row(String route, String method, String path, String body, boolean admin, boolean auditor,
                       boolean member) {
    }

    private static Row row(String route, String path, String body, boolean admin, boolean auditor, boolean member) {
        String method = route.substring(0, route.indexOf(' '));
        return new Row(route, method, path, body, admin, auditor, member);
    }

    @Test
    void everyRouteAllowsOrRefusesEachRoleAsTheTableSays() throws Exception {
        ApiTestSupport api = opened.add(new ApiTestSupport(dir));
        VpsRegistry registry = api.host.registry();
        People people = registry.people();
        people.add("ada", Role.ADMIN, List.of(), People.ADMIN_TOKEN);
        people.add("aud", Role.AUDITOR, List.of(), People.ADMIN_TOKEN);
        people.add("mem", Role.MEMBER, List.of(), People.ADMIN_TOKEN);
        people.add("pat", Role.MEMBER, List.of(), People.ADMIN_TOKEN);
        String admin = registry.tokens().create("ada", "t", Duration.ofHours(1)).secret();
        String auditor = registry.tokens().create("aud", "t", Duration.ofHours(1)).secret();
        String member = registry.tokens().create("mem", "t", Duration.ofHours(1)).secret();
        String key = TestKeys.ed25519("k").toOpenSsh();
        String vps = "{\"endpoint\": \"127.0.0.1:2200\", \"keys\": [\"" + key + "\"], \"name\": \"%s\"}";
        // theirs: made with the admin token, nobody's; mine: made by the member, theirs to manage; granted: the
        // member's to read
        assertEquals(201, api.call("POST", "/api/v1/vps", String.format(vps, "theirs")).status());
        assertEquals(201, api.call("POST", "/api/v1/vps", String.format(vps, "granted")).status());
        // a member names no endpoint: the bastion would dial it from the Host's machine
        ApiTestSupport.Reply external = api.call("POST", "/api/v1/vps", String.format(vps, "mine"), member);
        assertEquals(403, external.status(), external.body().toString());
        assertEquals("mem is a member: registering an external VPS (an endpoint the bastion dials) is for admins; "
                + "members create VPS on runners (--image)", external.error());
        // as if made on a runner by mem: hers from its creation on
        registry.create(new NewVps("mine", Endpoint.parse("127.0.0.1:2200"), List.of(TestKeys.ed25519("mine")))
                .ownedBy("mem"));
        assertEquals(200, api.call("PUT", "/api/v1/vps/granted/grants/mem", "{}").status());

        String granted = registry.get(VpsRef.parse("granted")).label();
        List<String> seen = new ArrayList<>();
        api.call("GET", "/api/v1/vps", null, member).body().get("vps").forEach(v -> seen.add(v.get("name").asText()));
        assertEquals(List.of("granted", "mine"), seen.stream().sorted().toList(), "a member's list: theirs only");
        String t = "/api/v1/vps/theirs";
        String m = "/api/v1/vps/mine";
        List<Row> rows = new ArrayList<>(List.of(
                row("GET /api/v1/health", "/api/v1/health", null, Y, Y, Y),
                row("GET /api/v1/ca/user-key", "/api/v1/ca/user-key", null, Y, Y, Y),
                row("GET /api/v1/ca/client-key", "/api/v1/ca/client-key", null, Y, Y, Y),
                row("GET /api/v1/ca/known-hosts", "/api/v1/ca/known-hosts", null, Y, Y, Y),
                row("GET /api/v1/bastion", "/api/v1/bastion", null, Y, Y, Y),
                row("GET /api/v1/whoami", "/api/v1/whoami", null, Y, Y, Y),
                row("GET /api/v1/tokens", "/api/v1/tokens", null, Y, Y, Y),
                row("POST /api/v1/tokens", "/api/v1/tokens", "{\"name\": \"x\"}", Y, Y, Y),
                row("DELETE /api/v1/tokens/{id}", "/api/v1/tokens/tnone", null, Y, Y, Y),
                row("GET /api/v1/removals/{id}", "/api/v1/removals/1", null, Y, Y, Y),
                row("GET /api/v1/vps", "/api/v1/vps", null, Y, Y, Y),
                row("GET /api/v1/vps/{ref}", t, null, Y, Y, N),
                row("GET /api/v1/vps/{ref}", "/api/v1/vps/granted", null, Y, Y, Y),
                row("GET /api/v1/vps/{ref}/keys", t + "/keys", null, Y, Y, N),
                row("GET /api/v1/vps/{ref}/access", t + "/access", null, Y, Y, N),
                row("GET /api/v1/vps/{ref}/access", m + "/access", null, Y, Y, Y),
                row("POST /api/v1/vps", "/api/v1/vps", "{}", Y, N, Y),
                row("POST /api/v1/vps/{ref}/keys", t + "/keys", "{}", Y, N, N),
                row("POST /api/v1/vps/{ref}/keys", m + "/keys", "{}", Y, N, Y),
                row("POST /api/v1/vps/{ref}/keys", "/api/v1/vps/granted/keys", "{}", Y, N, N),
                row("DELETE /api/v1/vps/{ref}/keys/{fingerprint}", t + "/keys/SHA256:none", null, Y, N, N),
                row("DELETE /api/v1/vps/{ref}/keys/{fingerprint}", m + "/keys/SHA256:none", null, Y, N, Y),
                row("PUT /api/v1/vps/{ref}/host-key", t + "/host-key", "{}", Y, N, N),
                row("PUT /api/v1/vps/{ref}/host-key", m + "/host-key", "{}", Y, N, Y),
                row("PUT /api/v1/vps/{ref}/name", t + "/name", "{\"name\": \"theirs\"}", Y, N, N),
                row("PUT /api/v1/vps/{ref}/name", m + "/name", "{\"name\": \"mine\"}", Y, N, Y),
                row("PUT /api/v1/vps/{ref}/policy", t + "/policy", "{}", Y, N, N),
                row("PUT /api/v1/vps/{ref}/policy", m + "/policy", "{}", Y, N, N),
                row("POST /api/v1/vps/{ref}/{action}", t + "/resume", null, Y, N, N),
                row("POST /api/v1/vps/{ref}/{action}", m + "/resume", null, Y, N, Y),
                row("PUT /api/v1/vps/{ref}/grants/{person}", t + "/grants/pat", "{}", Y, N, N),
                row("PUT /api/v1/vps/{ref}/grants/{person}", m + "/grants/pat", "{}", Y, N, Y),
                row("DELETE /api/v1/vps/{ref}/grants/{person}", t + "/grants/nobody", null, Y, N, N),
                row("DELETE /api/v1/vps/{ref}/grants/{person}", m + "/grants/nobody", null, Y, N, Y),
                row("GET /api/v1/vps/{ref}/sessions", t + "/sessions", null, Y, Y, N),
                row("GET /api/v1/vps/{ref}/sessions", m + "/sessions", null, Y, Y, Y),
                row("GET /api/v1/vps/{ref}/sessions", "/api/v1/vps/granted/sessions", null, Y, Y, N),
                row("GET /api/v1/sessions", "/api/v1/sessions", null, Y, Y, N),
                row("GET /api/v1/sessions/{id}", "/api/v1/sessions/s999", null, Y, Y, N),
                row("GET /api/v1/sessions/{id}/watch/{after}", "/api/v1/sessions/s999/watch/0", null, Y, Y, N),
                row("GET /api/v1/sessions/{id}/recordings", "/api/v1/sessions/s999/recordings", null, Y, Y, N),
                row("GET /api/v1/sessions/{id}/events", "/api/v1/sessions/s999/events", null, Y, Y, N),
                row("GET /api/v1/sessions/{id}/recordings/{channel}", "/api/v1/sessions/s999/recordings/0", null,
                        Y, Y, N),
                row("GET /api/v1/sessions/{id}/verify", "/api/v1/sessions/s999/verify", null, Y, Y, N),
                row("POST /api/v1/sessions/{id}/kill", "/api/v1/sessions/s999/kill", "{}", Y, N, N),
                row("GET /api/v1/nodes", "/api/v1/nodes", null, Y, Y, N),
                row("POST /api/v1/nodes/tokens", "/api/v1/nodes/tokens", "{\"ttl_seconds\": 0}", Y, N, N),
                row("DELETE /api/v1/nodes/{name}", "/api/v1/nodes/none", null, Y, N, N),
                row("POST /api/v1/host/rotate/{secret}", "/api/v1/host/rotate/none", null, Y, N, N),
                row("GET /api/v1/users", "/api/v1/users", null, Y, N, N),
                row("POST /api/v1/users", "/api/v1/users", "{}", Y, N, N),
                row("GET /api/v1/users/{name}", "/api/v1/users/pat", null, Y, N, N),
                row("POST /api/v1/users/{name}/disable", "/api/v1/users/none/disable", null, Y, N, N),
                row("POST /api/v1/users/{name}/enable", "/api/v1/users/pat/enable", null, Y, N, N),
                row("GET /api/v1/users/{name}/keys", "/api/v1/users/pat/keys", null, Y, N, N),
                row("POST /api/v1/users/{name}/keys", "/api/v1/users/pat/keys", "{}", Y, N, N),
                row("DELETE /api/v1/users/{name}/keys/{fingerprint}", "/api/v1/users/pat/keys/SHA256:none", null,
                        Y, N, N),
                row("POST /api/v1/users/{name}/tokens", "/api/v1/users/pat/tokens", "{}", Y, N, N),
                row("DELETE /api/v1/users/{name}", "/api/v1/users/none", null, Y, N, N),
                // last: it takes the VPS away
                row("DELETE /api/v1/vps/{ref}", t, null, Y, N, N),
                row("DELETE /api/v1/vps/{ref}", m, null, Y, N, Y)));

        Set<String> served = new TreeSet<>(api.host.apiRoutes());
        served.add("GET /api/v1/health");
        Set<String> tabled = new TreeSet<>(rows.stream().map(Row::route).toList());
        assertEquals(served, tabled, "every route the Host serves has a row, and every row is a route");

        List<String> wrong = new ArrayList<>();
        Set<String> sentences = new LinkedHashSet<>();
        for (Row r : rows) {
            // the member first: the admin's call of the last row removes what the member's would
            for (String[] who : new String[][] {{"member", member}, {"auditor", auditor}, {"admin", admin}}) {
                boolean expected = switch (who[0]) {
                    case "admin" -> r.admin();
                    case "auditor" -> r.auditor();
                    default -> r.member();
                };
                if (r.route().equals("DELETE /api/v1/vps/{ref}") && r.path().equals(m) && !who[0].equals("member")) {
                    continue; // gone once the member removed it
                }
                ApiTestSupport.Reply reply = api.call(r.method(), r.path(), r.body(), who[1]);
                // a VPS a member may not see is answered as one that does not exist
                boolean hidden = reply.status() == 404 && reply.error().startsWith("no VPS 'theirs'");
                boolean allowed = reply.status() != 403 && !hidden;
                if (allowed != expected) {
                    wrong.add(who[0] + " " + r.method() + " " + r.path() + ": " + reply.status() + " "
                            + reply.body());
                }
                if (!allowed) {
                    sentences.add(reply.error());
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(sentences.contains("aud is an auditor: this is for admins and members"), sentences.toString());
        assertTrue(sentences.contains("mem is a member: this is for admins"), sentences.toString());
        assertTrue(sentences.contains("mem is a member: this is for admins and auditors"), sentences.toString());
        assertTrue(sentences.contains("mem is a member and may change only the VPS they created; " + granted
                + " is an admin's (ask an admin)"), sentences.toString());
        assertTrue(sentences.contains("no VPS 'theirs' is registered (see: ferry vps list)"), sentences.toString());
        assertTrue(sentences.contains("mem is a member and may see the sessions of only the VPS they created; "
                + granted + " is an admin's (ask an admin)"), sentences.toString());
    }
}

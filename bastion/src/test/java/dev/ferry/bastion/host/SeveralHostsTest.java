package dev.ferry.bastion.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.HostApi;
import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.registry.PostgresServer;
import dev.ferry.bastion.registry.RegistryLocation;
import dev.ferry.bastion.several.Membership;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Await;
import dev.ferry.testing.SshKeygen;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several Hosts on one PostgreSQL registry: they present the same host key, trust the same CAs, accept the same
 * tokens and TLS pin, see each other's VPS, never share an instance id, and run the runner watchdog one at a time.
 */
class SeveralHostsTest {
    @TempDir
    Path dir;

    private final List<Host> hosts = new ArrayList<>();
    private RegistryLocation registry;

    @AfterEach
    void stop() {
        hosts.forEach(Host::close);
    }

    private Host start(String name, int instanceId) throws Exception {
        if (registry == null) {
            registry = PostgresServer.get().newDatabase();
        }
        return start(name, instanceId, registry);
    }

    private Host start(String name, int instanceId, RegistryLocation location) throws Exception {
        HostConfig base = HostConfig.defaults(dir.resolve(name)).withListeners("127.0.0.1", 0, "127.0.0.1", 0);
        Host h = Host.start(base.with(HostSettings.INSTANCE_ID, instanceId).withRegistry(location));
        hosts.add(h);
        return h;
    }

    private static String hostKey(Host h, String file) {
        return SshPublicKey.of(PrivateKeyFiles.read(h.dataDir().resolve(file)).getPublic(), "").fingerprint();
    }

    @Test
    void theSecondHostTakesTheFirstOnesKeysTokensAndCas() throws Exception {
        Host a = start("a", 1);
        Host b = start("b", 2);
        for (String key : DataDir.HOST_KEYS) {
            assertEquals(hostKey(a, key), hostKey(b, key), key + ": one host key behind the load balancer");
        }
        assertEquals(a.knownHosts().get(1), b.knownHosts().get(1), "one host CA: one @cert-authority line");
        assertEquals(Host.userCaLine(a.userCa()), Host.userCaLine(b.userCa()), "one user CA");
        assertEquals(a.apiFingerprint(), b.apiFingerprint(), "one TLS key to pin");
        for (String token : List.of(DataDir.ADMIN_TOKEN, DataDir.RUNNER_TOKEN)) {
            assertEquals(Files.readString(a.dataDir().resolve(token)), Files.readString(b.dataDir().resolve(token)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    b.dataDir().resolve(token))));
        }
        var v = a.registry().create(new NewVps("web", new Endpoint("10.0.0.5", 22),
                List.of(TestKeys.ed25519("alice"))));
        assertEquals(v.id(), b.registry().get(VpsRef.parse("web")).id(), "a VPS made through one is the other's");
    }

    @Test
    void aDeletedSecretComesBackFromTheRegistryAndTheHostSaysSo() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        HostLogging.init(logs);
        Host a = start("a", 1);
        Host b = start("b", 2);
        String token = Files.readString(a.dataDir().resolve(DataDir.ADMIN_TOKEN));
        hosts.remove(b);
        b.close();
        Files.delete(dir.resolve("b").resolve(DataDir.ADMIN_TOKEN));
        Host again = start("b", 2);
        assertEquals(token, Files.readString(again.dataDir().resolve(DataDir.ADMIN_TOKEN)), "deleting it rotated nothing");
        String log = Files.readString(logs.resolve("ferry-host.log"));
        assertTrue(log.contains("admin.token was missing from this Host's data directory: restored from the registry's "
                + "sealed copy, the one every Host holds (deleting it rotates nothing on a shared registry)"), log);
    }

    private final HttpClient http = HttpClient.newHttpClient();

    /** The status of {@code GET /api/v1/vps} on {@code h} with this token. */
    private int vpsList(Host h, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(
                URI.create(h.apiUrl() + "/api/v1/vps")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aRotationThroughOneHostReachesEveryHost() throws Exception {
        Host a = start("a", 1);
        Host b = start("b", 2);
        String old = Files.readString(a.dataDir().resolve(DataDir.ADMIN_TOKEN)).strip();
        var rotated = http.send(HttpRequest.newBuilder(
                URI.create(a.apiUrl() + "/api/v1/host/rotate/admin-token")).header("Authorization", "Bearer "
                + old).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rotated.statusCode(), rotated.body());
        String now = Files.readString(a.dataDir().resolve(DataDir.ADMIN_TOKEN)).strip();
        assertTrue(rotated.body().matches("(?s).*\"token\" ?: ?\"" + now + "\".*"), rotated.body());
        assertEquals(401, vpsList(a, old), "the Host asked refuses the old token at once");
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (vpsList(b, now) != 200 && System.nanoTime() < deadline) {
            Thread.sleep(1000); // not faster: wrong tokens (the new one, before b took it) earn a penalty
        }
        assertEquals(200, vpsList(b, now), "the other Host took the new token");
        assertEquals(401, vpsList(b, old), "and refuses the old one");
        assertEquals(now, Files.readString(b.dataDir().resolve(DataDir.ADMIN_TOKEN)).strip());
        // and a restart keeps the new one: it is the registry's copy now
        hosts.remove(b);
        b.close();
        Host again = start("b", 2);
        assertEquals(200, vpsList(again, now));
    }

    @Test
    void theKeyMaterialIsSealedInTheDatabaseNeverInPlainText() throws Exception {
        Host a = start("a", 1);
        String token = Files.readString(a.dataDir().resolve(DataDir.ADMIN_TOKEN)).strip();
        String ca = Files.readString(a.dataDir().resolve(DataDir.HOST_CA));
        try (var c = PostgresServer.connect(registry); var st = c.createStatement();
             var rs = st.executeQuery("SELECT name, sealed FROM shared_secret")) {
            int rows = 0;
            while (rs.next()) {
                rows++;
                String sealed = rs.getString(2);
                assertTrue(sealed.startsWith("v1:"), rs.getString(1));
                assertTrue(!sealed.contains(token) && !sealed.contains("PRIVATE KEY"), rs.getString(1));
            }
            assertEquals(DataDir.SHARED.size(), rows);
        }
        assertTrue(ca.contains("PRIVATE KEY"), "the local copy is the key itself");
        // another key file: the Host refuses to start rather than make keys of its own
        Path otherKey = dir.resolve("other.key");
        Files.writeString(otherKey, java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        Files.setPosixFilePermissions(otherKey, PosixFilePermissions.fromString("rw-------"));
        RegistryLocation wrongKey = new RegistryLocation(registry.url(), null, registry.environmentPassword(), otherKey);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start("c", 3, wrongKey));
        assertTrue(e.getMessage().contains("does not open with this Host's registry_key_file"), e.getMessage());
    }

    @Test
    void anInstanceIdInUseIsRefusedAndTheWatchdogRunsOnOneHostAtATime() throws Exception {
        Host a = start("a", 7);
        FerryException taken = assertThrows(FerryException.class, () -> start("b", 7));
        assertTrue(taken.getMessage().startsWith("instance_id 7 is in use by another Host ("), taken.getMessage());
        Host b = start("b", 8);
        String first = waitForWatchdog(a);
        assertNotEquals(null, first);
        Host holder = first.contains(a.dataDir().toString()) ? a : b;
        Host other = holder == a ? b : a;
        hosts.remove(holder);
        holder.close();
        String next = waitForWatchdog(other);
        assertTrue(next.contains(other.dataDir().toString()), "the lease moved to the Host still running: " + next);
        Host again = start(holder == a ? "a" : "b", holder == a ? 7 : 8);
        assertNotEquals(null, again, "the id is free again once its Host stopped");
    }

    /** The watchdog lease's holder once one Host has taken it (its watchdog ticks every 5 s). */
    private static String waitForWatchdog(Host any) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            String holder = any.coordination().leaseHolder(Membership.WATCHDOG);
            if (holder != null) {
                return holder;
            }
            Thread.sleep(100);
        }
        return null;
    }

    @Test
    void aSessionOnOneHostIsListedAndEndedFromAnother() throws Exception {
        Host a = start("a", 1);
        Host b = start("b", 2);
        Path key = SshKeygen.ed25519(dir.resolve("keys"), "alice");
        a.registry().create(new NewVps("web", new Endpoint("127.0.0.1", 2200),
                List.of(SshPublicKey.parse(Files.readString(Path.of(key + ".pub"))))));
        // logged in, no channel: a live session all the same
        Process ssh = new ProcessBuilder("ssh", "-N", "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o",
                "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-p",
                Integer.toString(a.sshAddress().getPort()), "vps-web@127.0.0.1").redirectErrorStream(true).start();
        try {
            JsonNode session = Await.value("a's session in b's list", Duration.ofSeconds(20), () -> {
                for (JsonNode s : api(b, "GET", "/api/v1/sessions").get("sessions")) {
                    if (s.get("user").asText().equals("vps-web")) {
                        return s;
                    }
                }
                return null;
            }, s -> s != null);
            assertTrue(session.get("host").asText().endsWith(a.dataDir().toString()), "held by a: " + session);
            String id = session.get("id").asText();
            assertEquals(id, api(b, "GET", "/api/v1/sessions/" + id).get("id").asText());

            JsonNode killed = api(b, "POST", "/api/v1/sessions/" + id + "/kill");
            assertTrue(killed.get("ended").asBoolean(), killed.toString());
            assertTrue(ssh.waitFor(10, TimeUnit.SECONDS), "the client was disconnected");
            String said = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(said.contains("ferry: an administrator ended this session: moving you"), said);
            assertEquals(0, api(a, "GET", "/api/v1/sessions").get("sessions").size(), "gone from a's list");
        } finally {
            ssh.destroyForcibly();
        }
    }

    @Test
    void disablingAPersonThroughOneHostEndsTheirSessionsOnEveryHost() throws Exception {
        Host a = start("a", 1);
        Host b = start("b", 2);
        Path key = SshKeygen.ed25519(dir.resolve("keys"), "alice");
        // a VPS key nobody holds, and alice's own key through a grant
        Vps web = a.registry().create(new NewVps("web", new Endpoint("127.0.0.1", 2200),
                List.of(SshPublicKey.parse(Files.readString(Path.of(SshKeygen.ed25519(dir.resolve("other"), "x")
                        + ".pub"))))));
        a.registry().people().add("alice", Role.MEMBER, List.of(SshPublicKey.parse(Files.readString(
                Path.of(key + ".pub")))), People.ADMIN_TOKEN);
        a.registry().people().grant(web.id(), "alice", List.of(), null, People.ADMIN_TOKEN);
        List<Process> sessions = new ArrayList<>();
        try {
            for (Host h : List.of(a, b)) {
                sessions.add(new ProcessBuilder("ssh", "-N", "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o",
                        "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-p",
                        Integer.toString(h.sshAddress().getPort()), "vps-web@127.0.0.1").redirectErrorStream(true)
                        .start());
            }
            Await.until("alice's session on both Hosts", Duration.ofSeconds(20),
                    () -> api(b, "GET", "/api/v1/sessions").get("sessions").size() == 2);
            HttpResponse<String> disabled = new HostApi(a).send("POST", "/api/v1/users/alice/disable", null);
            assertEquals(200, disabled.statusCode(), disabled.body());
            for (Process ssh : sessions) {
                assertTrue(ssh.waitFor(15, TimeUnit.SECONDS), "ended on the Host that was not asked too");
                String said = new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(said.contains("ferry: alice was disabled by admin token; this session ends"), said);
            }
        } finally {
            sessions.forEach(Process::destroyForcibly);
        }
    }

    private static JsonNode api(Host h, String method, String path) {
        try {
            HttpResponse<String> r = new HostApi(h).send(method, path, method.equals("POST")
                    ? "{\"reason\": \"moving you\"}" : null);
            return Json.MAPPER.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}

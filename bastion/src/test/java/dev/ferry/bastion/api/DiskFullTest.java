package dev.ferry.bastion.api;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.SmallDisk;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.bastion.ssh.SshdFixture;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.SshKeygen;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk holding the data directory fills up (issue 9, Faults): a real Host in this JVM whose data directory is
 * a small tmpfs of its own, filled by a file and then freed. Changes are refused with a sentence naming the data
 * directory, logins of what the Host already knows go on, and changes work again once there is room, without a
 * restart. Needs root (mount); the tests run as root.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    private SmallDisk disk;
    private ApiTestSupport api;
    private SshdFixture vps;
    private SshClientFixture alice;
    private SshPublicKey bobKey;

    @BeforeEach
    void start() throws Exception {
        disk = SmallDisk.mount(dir.resolve("host"), 8);
        api = new ApiTestSupport(disk.dir());
        Path key = SshKeygen.ed25519(dir.resolve("keys"), "alice");
        SshPublicKey aliceKey = SshClientFixture.publicKey(key);
        bobKey = SshClientFixture.publicKey(SshKeygen.ed25519(dir.resolve("keys"), "bob"));
        alice = SshClientFixture.create(dir.resolve("client"), List.of(key), null);
        vps = SshdFixture.start(dir.resolve("vps"), List.of(aliceKey));
        assertEquals(201, api.call("POST", "/api/v1/vps", "{\"endpoint\": \"" + vps.endpoint() + "\", \"name\": "
                + "\"web\", \"keys\": [\"" + aliceKey.toOpenSsh() + "\"]}").status());
    }

    @AfterEach
    void stop() {
        try {
            if (api != null) {
                api.close();
            }
            if (vps != null) {
                vps.close();
            }
        } finally {
            if (disk != null) {
                disk.close();
            }
        }
    }

    @Test
    void aFullDiskRefusesChangesWithASentenceKeepsLoginsAndRecoversWhenSpaceReturns() throws Exception {
        assumeFalse(TestRegistries.postgres(), "the disk of the H2 file; a PostgreSQL registry is on its server");
        assertEquals("before", jump("echo before"));
        disk.fill();

        assertRefusedForSpace(api.call("POST", "/api/v1/vps", "{\"endpoint\": \"127.0.0.1:2200\", \"name\": "
                + "\"refused\", \"keys\": [\"" + bobKey.toOpenSsh() + "\"]}"));
        assertRefusedForSpace(api.call("POST", "/api/v1/vps/web/keys", "{\"keys\": [\"" + bobKey.toOpenSsh() + "\"]}"));
        assertRefusedForSpace(api.call("POST", "/api/v1/nodes/tokens", "{}"));
        // what the Host knows still serves: listings and logins
        ApiTestSupport.Reply list = api.call("GET", "/api/v1/vps", null);
        assertEquals(200, list.status(), list.body().toString());
        assertEquals(1, list.body().get("vps").size(), list.body().toString());
        for (int i = 0; i < 3; i++) {
            assertEquals("full-" + i, jump("echo full-" + i));
        }

        disk.free();
        ApiTestSupport.Reply added = api.call("POST", "/api/v1/vps/web/keys",
                "{\"keys\": [\"" + bobKey.toOpenSsh() + "\"]}");
        assertEquals(201, added.status(), added.body().toString());
        ApiTestSupport.Reply created = api.call("POST", "/api/v1/vps", "{\"endpoint\": \"127.0.0.1:2200\", "
                + "\"name\": \"after\", \"keys\": [\"" + bobKey.toOpenSsh() + "\"]}");
        assertEquals(201, created.status(), created.body().toString());
        assertEquals(2, api.call("GET", "/api/v1/vps", null).body().get("vps").size());
        assertEquals("after", jump("echo after"));
    }

    private String jump(String command) {
        return alice.ssh("-J", "vps-web@127.0.0.1:" + api.host.sshAddress().getPort(),
                SshClientFixture.user() + "@vps-web", command).requireSuccess().out().strip();
    }

    private void assertRefusedForSpace(ApiTestSupport.Reply r) {
        String body = r.body().toString();
        assertEquals(503, r.status(), "a full disk is the Host's trouble, for now: " + body);
        String error = r.error();
        assertTrue(error.contains("data directory " + disk.dir()), "names the data directory: " + error);
        assertTrue(error.contains("no space left"), "says why: " + error);
        assertFalse(body.contains("Exception") || body.contains("\tat "), "no stack trace: " + body);
    }
}

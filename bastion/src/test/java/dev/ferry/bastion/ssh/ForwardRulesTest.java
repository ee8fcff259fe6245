package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.registry.H2Registry;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardRulesTest {
    @TempDir
    Path dir;

    private H2Registry registry;
    private ForwardRules rules;
    private final SshPublicKey alice = TestKeys.ed25519("alice");
    private final SshPublicKey bob = TestKeys.ed25519("bob");
    private Vps web;
    private Vps db;

    @BeforeEach
    void setUp() {
        registry = H2Registry.open(dir, new Snowflake(1), Clock.systemUTC());
        rules = new ForwardRules(registry, registry.runners(), Clock.systemUTC());
        web = registry.create(new NewVps("web", new Endpoint("127.0.0.1", 2201), List.of(alice)));
        db = registry.create(new NewVps("db", new Endpoint("127.0.0.1", 2202), List.of(bob)));
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private ForwardDecision decide(String user, SshPublicKey key, String host, int port) {
        return rules.decide(Login.parse(user).orElseThrow(), key.fingerprint(), host, port);
    }

    @Test
    void dialsThePickedVpsByAnyOfItsNames() {
        for (String host : List.of("vps-web", "VPS-WEB", "vps-" + web.id(), "localhost", "127.0.0.1", "::1")) {
            ForwardDecision d = decide("vps-web", alice, host, 22);
            assertEquals(web.id(), assertInstanceOf(ForwardDecision.Dial.class, d, host).vps().id(), host);
        }
    }

    @Test
    void jumpUserReachesOnlyVpsHoldingItsKey() {
        assertInstanceOf(ForwardDecision.Dial.class, decide("jump", alice, "vps-web", 22));
        assertRefused(decide("jump", alice, "vps-db", 22), "vps-db is not a VPS your key can reach");
        assertRefused(decide("jump", alice, "localhost", 22), "the jump user has no VPS of its own");
    }

    @Test
    void refusesAnotherVpsTheKeyDoesNotBelongToLikeAnUnknownOne() {
        ForwardDecision other = decide("vps-web", alice, "vps-db", 22);
        ForwardDecision unknown = decide("vps-web", alice, "vps-nothere", 22);
        assertRefused(other, "vps-db is not a VPS your key can reach");
        assertRefused(unknown, "vps-nothere is not a VPS your key can reach");
    }

    @Test
    void aVpsLoginReachesOnlyItsOwnVpsEvenWhenTheKeyOpensOthers() {
        registry.addKeys(VpsRef.ofId(db.id()), List.of(alice));
        assertRefused(decide("vps-web", alice, "vps-db", 22), "a session logged in as vps-web reaches only that VPS");
        assertInstanceOf(ForwardDecision.Dial.class, decide("jump", alice, "vps-db", 22));
        assertInstanceOf(ForwardDecision.Dial.class, decide("vps-db", alice, "localhost", 22));
    }

    @Test
    void refusesOtherPortsAndHosts() {
        assertRefused(decide("vps-web", alice, "localhost", 8888), "not port 8888");
        assertRefused(decide("vps-web", alice, "127.0.0.1", 2201), "not port 2201");
        assertRefused(decide("vps-web", alice, "example.com", 22), "example.com:22 is not a VPS");
        assertRefused(decide("vps-web", alice, "10.0.0.1", 22), "10.0.0.1:22 is not a VPS");
        assertRefused(decide("vps-web", alice, "evil\u001b[2J", 22), "evil?[2J:22 is not a VPS");
        assertRefused(decide("vps-web", alice, "a\u202eb\u2028c", 22), "a?b?c:22 is not a VPS");
        assertRefused(decide("vps-web", alice, "fd00::1", 22), "[fd00::1]:22 is not a VPS");
    }

    @Test
    void saysWhenTheVpsIsNotRunning() {
        registry.updateStatus(VpsRef.ofId(web.id()), dev.ferry.bastion.vps.VpsStatus.PAUSED);
        assertRefused(decide("vps-web", alice, "localhost", 22),
                "vps-" + web.id() + " is paused; resume it with: ferry vps resume " + web.id());
        assertTrue(registry.get(VpsRef.ofId(web.id())).status().word().equals("paused"));
    }

    private static void assertRefused(ForwardDecision d, String expected) {
        String reason = assertInstanceOf(ForwardDecision.Refuse.class, d).reason();
        assertTrue(reason.contains(expected), "'" + reason + "' should contain '" + expected + "'");
    }
}

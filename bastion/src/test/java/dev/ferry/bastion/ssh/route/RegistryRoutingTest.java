package dev.ferry.bastion.ssh.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.registry.JdbcRegistry;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsPolicy;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RegistryRoutingTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path dir;

    private JdbcRegistry registry;
    private RegistryRouting rules;
    private final SshPublicKey alice = TestKeys.ed25519("alice");
    private final SshPublicKey bob = TestKeys.ed25519("bob");
    private Vps web;
    private Vps db;

    @BeforeEach
    void setUp() {
        registry = opened.add(TestRegistries.open(dir, new Snowflake(1), Clock.systemUTC()));
        rules = new RegistryRouting(registry, registry.people(), registry.runners(), Clock.systemUTC());
        web = registry.create(new NewVps("web", new Endpoint("127.0.0.1", 2201), List.of(alice)));
        db = registry.create(new NewVps("db", new Endpoint("127.0.0.1", 2202), List.of(bob)));
    }

    private Route decide(String user, SshPublicKey key, String host, int port) {
        return rules.directTcpip(Login.parse(user).orElseThrow(), key.fingerprint(), host, port);
    }

    @Test
    void aHostForPeopleOnlyLetsNoVpsKeyIn() {
        RegistryRouting peopleOnly = new RegistryRouting(registry, registry.people(), registry.runners(),
                Clock.systemUTC(), false);
        Login web = Login.parse("vps-web").orElseThrow();
        assertTrue(rules.admit(web, alice.fingerprint()).isPresent(), "a VPS key, where vps_keys is true");
        assertTrue(peopleOnly.admit(web, alice.fingerprint()).isEmpty(), "vps_keys = false");
        assertTrue(peopleOnly.admit(Login.parse("jump").orElseThrow(), alice.fingerprint()).isEmpty(),
                "nor through the jump user");
        registry.people().add("carol", Role.MEMBER, List.of(alice), People.ADMIN_TOKEN);
        registry.people().grant(this.web.id(), "carol", List.of(), null, People.ADMIN_TOKEN);
        assertEquals("carol (grant)", ((Login.ToVps) peopleOnly.admit(web, alice.fingerprint()).orElseThrow()).via(),
                "the same key as a person's, through a grant");
        assertTrue(peopleOnly.admit(Login.parse("jump").orElseThrow(), alice.fingerprint()).isPresent());
        assertTrue(peopleOnly.admit(Login.parse("vps-db").orElseThrow(), bob.fingerprint()).isEmpty());
    }

    @Test
    void dialsThePickedVpsByAnyOfItsNames() {
        for (String host : List.of("vps-web", "VPS-WEB", "vps-" + web.id(), "localhost", "127.0.0.1", "::1")) {
            Route d = decide("vps-web", alice, host, 22);
            assertEquals(web.id(), assertInstanceOf(Route.Dial.class, d, host).vps().id(), host);
        }
    }

    @Test
    void jumpUserReachesOnlyVpsHoldingItsKey() {
        assertInstanceOf(Route.Dial.class, decide("jump", alice, "vps-web", 22));
        assertRefused(decide("jump", alice, "vps-db", 22), "vps-db is not a VPS your key can reach");
        assertRefused(decide("jump", alice, "localhost", 22), "the jump user has no VPS of its own");
    }

    @Test
    void refusesAnotherVpsTheKeyDoesNotBelongToLikeAnUnknownOne() {
        Route other = decide("vps-web", alice, "vps-db", 22);
        Route unknown = decide("vps-web", alice, "vps-nothere", 22);
        assertRefused(other, "vps-db is not a VPS your key can reach");
        assertRefused(unknown, "vps-nothere is not a VPS your key can reach");
    }

    @Test
    void aVpsLoginReachesOnlyItsOwnVpsEvenWhenTheKeyOpensOthers() {
        registry.addKeys(VpsRef.ofId(db.id()), List.of(alice));
        assertRefused(decide("vps-web", alice, "vps-db", 22), "a session logged in as vps-web reaches only that VPS");
        assertInstanceOf(Route.Dial.class, decide("jump", alice, "vps-db", 22));
        assertInstanceOf(Route.Dial.class, decide("vps-db", alice, "localhost", 22));
    }

    @Test
    void refusesOtherPortsOfVpsAndOtherHostsForTheJumpUser() {
        assertRefused(decide("vps-web", alice, "vps-web", 8888), "not port 8888");
        assertRefused(decide("jump", alice, "vps-web", 2201), "not port 2201");
        assertRefused(decide("jump", alice, "example.com", 22), "example.com:22 is not a VPS");
        assertRefused(decide("jump", alice, "10.0.0.1", 22), "10.0.0.1:22 is not a VPS");
        assertRefused(decide("jump", alice, "evil\u001b[2J", 22), "evil?[2J:22 is not a VPS");
        assertRefused(decide("jump", alice, "a\u202eb\u2028c", 22), "a?b?c:22 is not a VPS");
        assertRefused(decide("jump", alice, "fd00::1", 22), "[fd00::1]:22 is not a VPS");
        assertRefused(decide("jump", alice, "localhost", 8888), "the jump user has no VPS of its own");
    }

    @Test
    void aVpsLoginOpensOtherTargetsInsideItsVps() {
        for (String host : List.of("localhost", "127.0.0.1", "example.com", "10.0.0.1", "fd00::1")) {
            Route r = decide("vps-web+deploy", alice, host, 8888);
            Upstream up = assertInstanceOf(Route.Bridge.class, r, host).upstream();
            assertEquals(web.id(), up.vpsId());
            assertEquals("deploy", up.loginUser());
            assertEquals(web.endpoint(), up.endpoint());
        }
        // port 22 of the VPS itself is the ProxyJump path, dialed by the bastion
        assertInstanceOf(Route.Dial.class, decide("vps-web", alice, "localhost", 22));
    }

    @Test
    void sessionsGoInsideTheLoginsVpsOnly() {
        Upstream up = assertInstanceOf(Route.Bridge.class, rules.inside(Login.parse("vps-web").orElseThrow(),
                alice.fingerprint(), Routing.Purpose.SESSION)).upstream();
        assertEquals("root", up.loginUser());
        assertTrue(up.firstContact(), "an external VPS's host key is recorded on first contact");
        assertRefused(rules.inside(Login.parse("jump").orElseThrow(), alice.fingerprint(), Routing.Purpose.SESSION),
                "the jump user only jumps");
        assertRefused(rules.inside(Login.parse("vps-db").orElseThrow(), alice.fingerprint(), Routing.Purpose.SESSION),
                "vps-db is not a VPS your key can reach");
        registry.updateStatus(VpsRef.ofId(web.id()), dev.ferry.bastion.vps.VpsStatus.STOPPED);
        assertRefused(rules.inside(Login.parse("vps-web").orElseThrow(), alice.fingerprint(), Routing.Purpose.SESSION),
                "is stopped; start it with: ferry vps start " + web.id());
    }

    @Test
    void aVpsPolicyRefusesProxyJumpWhenRecordingIsRequiredAndForwardsItDoesNotAllow() {
        Login login = Login.parse("vps-web").orElseThrow();
        registry.setPolicy(VpsRef.ofId(web.id()), new VpsPolicy(VpsPolicy.Recording.REQUIRED,
                VpsPolicy.Forwarding.ALL));
        Route.Refuse jump = assertInstanceOf(Route.Refuse.class, decide("vps-web", alice, "localhost", 22));
        assertEquals("vps-" + web.id() + " (web) requires its sessions to be recorded, which ProxyJump cannot be; log "
                + "in through the bastion instead (plain mode): ssh -p 2222 vps-" + web.id() + "@10.0.0.5",
                jump.reason(new InetSocketAddress("10.0.0.5", 2222)));
        assertRefused(decide("jump", alice, "vps-web", 22), "requires its sessions to be recorded");
        assertInstanceOf(Route.Bridge.class, rules.inside(login, alice.fingerprint(), Routing.Purpose.SESSION));
        assertInstanceOf(Route.Bridge.class, rules.inside(login, alice.fingerprint(), Routing.Purpose.REMOTE_FORWARD));

        registry.setPolicy(VpsRef.ofId(web.id()), new VpsPolicy(VpsPolicy.Recording.OPTIONAL,
                VpsPolicy.Forwarding.LOCAL));
        assertInstanceOf(Route.Dial.class, decide("vps-web", alice, "localhost", 22));
        assertInstanceOf(Route.Bridge.class, decide("vps-web", alice, "localhost", 8080));
        assertRefused(rules.inside(login, alice.fingerprint(), Routing.Purpose.REMOTE_FORWARD),
                "allows no remote forwarding (-R) (its policy: forwarding local");

        registry.setPolicy(VpsRef.ofId(web.id()), new VpsPolicy(VpsPolicy.Recording.OPTIONAL,
                VpsPolicy.Forwarding.NONE));
        assertRefused(rules.directTcpip(login, alice.fingerprint(), "localhost", 8080),
                "allows no port forwarding (its policy: forwarding none");
        assertRefused(rules.inside(login, alice.fingerprint(), Routing.Purpose.LOCAL_FORWARD), "allows no port "
                + "forwarding");
        assertInstanceOf(Route.Bridge.class, rules.inside(login, alice.fingerprint(), Routing.Purpose.SESSION));
    }

    @Test
    void saysWhenTheVpsIsNotRunning() {
        registry.updateStatus(VpsRef.ofId(web.id()), dev.ferry.bastion.vps.VpsStatus.PAUSED);
        assertRefused(decide("vps-web", alice, "localhost", 22),
                "vps-" + web.id() + " is paused; resume it with: ferry vps resume " + web.id());
        assertTrue(registry.get(VpsRef.ofId(web.id())).status().word().equals("paused"));
    }

    @Test
    void refusalsNameTheBastionAsTheClientReachedIt() throws Exception {
        Route.Refuse jump = assertInstanceOf(Route.Refuse.class, rules.inside(Login.parse("jump").orElseThrow(),
                alice.fingerprint(), Routing.Purpose.SESSION));
        assertTrue(jump.reason(new InetSocketAddress(InetAddress.getByName("10.0.0.5"), 2222)).endsWith(
                "log in to the VPS itself: ssh -p 2222 vps-<id>@10.0.0.5, or jump through: ssh -J jump@10.0.0.5:2222 "
                        + "root@vps-<id>"), jump.reason());
        assertTrue(jump.reason(new InetSocketAddress(InetAddress.getByName("10.0.0.5"), 22)).endsWith(
                "ssh vps-<id>@10.0.0.5, or jump through: ssh -J jump@10.0.0.5 root@vps-<id>"), jump.reason());
        assertTrue(jump.reason(new InetSocketAddress(InetAddress.getByName("::1"), 2222)).endsWith(
                "ssh -p 2222 vps-<id>@::1, or jump through: ssh -J jump@[::1]:2222 root@vps-<id>"),
                jump.reason());
        assertTrue(jump.reason(null).endsWith("ssh vps-<id>@<bastion>, or jump through: ssh -J jump@<bastion> "
                + "root@vps-<id>"), jump.reason());
        registry.addKeys(VpsRef.ofId(db.id()), List.of(alice));
        Route.Refuse bound = assertInstanceOf(Route.Refuse.class, decide("vps-web", alice, "vps-db", 22));
        assertTrue(bound.reason(new InetSocketAddress(InetAddress.getLoopbackAddress(), 2222)).endsWith(
                "jump as the generic user: ProxyJump jump@127.0.0.1:2222"), bound.reason());
    }

    private static void assertRefused(Route d, String expected) {
        String reason = assertInstanceOf(Route.Refuse.class, d).reason();
        assertTrue(reason.contains(expected), "'" + reason + "' should contain '" + expected + "'");
    }
}

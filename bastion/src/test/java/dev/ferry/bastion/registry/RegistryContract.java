package dev.ferry.bastion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.people.Grant;
import dev.ferry.bastion.people.KeyAccess;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Person;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsKey;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerLimits;
import dev.ferry.bastion.sessions.SessionNumbers;
import dev.ferry.bastion.sessions.SessionStore;
import dev.ferry.bastion.several.Coordination;
import dev.ferry.testing.MovableClock;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every registry store does, the same on the embedded H2 file ({@link H2RegistryTest}) and on PostgreSQL
 * ({@link PostgresRegistryTest}).
 */
abstract class RegistryContract {
    static final Endpoint ENDPOINT = new Endpoint("127.0.0.1", 2200);

    JdbcRegistry registry;
    final SshPublicKey alice = TestKeys.ed25519("alice@laptop");
    final SshPublicKey bob = TestKeys.ecdsa("bob");

    /** Opens the registry of this test (again, after a close: the same data). */
    abstract JdbcRegistry openRegistry();

    /** A plain JDBC connection to the test's database, for what the registry would never do. */
    abstract Connection connect() throws Exception;

    @BeforeEach
    void open() throws Exception {
        registry = openRegistry();
    }

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void findsByIdAndByNameInAnyCase() {
        Vps v = registry.create(new NewVps("Web-1", ENDPOINT, List.of(alice)));
        assertEquals("web-1", v.name());
        assertEquals(VpsStatus.RUNNING, v.status());
        assertEquals(1, v.keyCount());
        assertEquals(v, registry.get(VpsRef.ofId(v.id())));
        assertEquals(v, registry.get(VpsRef.parse("WEB-1")));
        assertTrue(registry.find(VpsRef.parse("web-2")).isEmpty());
    }

    @Test
    void aRenamedVpsIsFoundByItsNewNameOnlyAndCountsAsNotCertified() {
        Vps v = registry.create(new NewVps("web", ENDPOINT, List.of(alice)));
        registry.create(new NewVps("db", ENDPOINT, List.of(bob)));
        registry.recordHostCertified(v.id(), true);
        Vps renamed = registry.rename(VpsRef.parse("web"), "Shop");
        assertEquals("shop", renamed.name());
        assertFalse(renamed.hostCertified(), "its certificate named it web");
        assertEquals(v.id(), registry.get(VpsRef.parse("shop")).id());
        assertTrue(registry.find(VpsRef.parse("web")).isEmpty());
        assertEquals(v.updatedAt(), renamed.updatedAt(), "updated_at tells when its status changed");
        FerryException taken = assertThrows(FerryException.class, () -> registry.rename(VpsRef.parse("shop"), "db"));
        assertEquals(FerryException.Kind.CONFLICT, taken.kind());
        assertEquals(FerryException.Kind.INVALID, assertThrows(FerryException.class,
                () -> registry.rename(VpsRef.parse("shop"), "-x")).kind());
        registry.recordHostCertified(v.id(), true);
        assertTrue(registry.rename(VpsRef.ofId(v.id()), "shop").hostCertified(), "the same name changes nothing");
    }

    @Test
    void theLimitsARunnerReportsAreKeptWithTheVps() {
        Vps v = registry.create(new NewVps("web", ENDPOINT, List.of(alice)));
        assertNull(v.limits(), "none reported yet");
        registry.recordLimits(v.id(), new ContainerLimits(0.5, 256L << 20));
        assertEquals(new ContainerLimits(0.5, 256L << 20), registry.get(VpsRef.ofId(v.id())).limits());
        registry.recordLimits(v.id(), new ContainerLimits(0, 0));
        assertEquals(new ContainerLimits(0, 0), registry.get(VpsRef.parse("web")).limits(), "0: no limit");
    }

    @Test
    void aRunnersVpsRemovedIsAwaitedUntilItsRunnerNoLongerReportsItsContainer() {
        registry.runners().enroll("r1", "127.0.0.1", new Runner.Enrollment(false, 1024, 65535), "0".repeat(64),
                Instant.now());
        Vps v = registry.create(new NewVps("web", null, List.of(alice),
                new Placement("img", "r1", null, null, TargetState.RUNNING, false)));
        Vps external = registry.create(new NewVps("ext", ENDPOINT, List.of(bob)));
        registry.remove(VpsRef.parse("web"));
        registry.remove(VpsRef.parse("ext"));
        assertEquals("r1", registry.removal(v.id()).orElseThrow().runner());
        assertTrue(registry.removal(external.id()).isEmpty(), "no runner holds an external VPS's container");
        registry.containersGone("r1", Set.of(v.id()));
        assertTrue(registry.removal(v.id()).isPresent(), "still reported");
        registry.containersGone("r2", Set.of());
        assertTrue(registry.removal(v.id()).isPresent(), "another runner's report says nothing of it");
        registry.containersGone("r1", Set.of());
        assertTrue(registry.removal(v.id()).isEmpty(), "gone from its runner's report");
    }

    @Test
    void peopleHaveKeysOfTheirOwnAndGrantsThatEnd() {
        People people = registry.people();
        Person a = people.add("Alice", Role.MEMBER, List.of(alice), People.ADMIN_TOKEN);
        assertEquals("alice", a.name());
        assertEquals(1, a.keyCount());
        assertEquals(FerryException.Kind.CONFLICT, assertThrows(FerryException.class,
                () -> people.add("alice", Role.ADMIN, List.of(), People.ADMIN_TOKEN)).kind());
        FerryException taken = assertThrows(FerryException.class,
                () -> people.add("carol", Role.MEMBER, List.of(alice), People.ADMIN_TOKEN));
        assertTrue(taken.getMessage().contains("held by alice: a key names one person"), taken.getMessage());
        assertTrue(people.find("carol").isEmpty(), "a refused add leaves nobody behind");
        people.add("audrey", Role.AUDITOR, List.of(), People.ADMIN_TOKEN);

        Vps web = registry.create(new NewVps("web", ENDPOINT, List.of(bob)));
        assertFalse(registry.access(VpsRef.parse("web"), alice.fingerprint()).orElseThrow().admits(), "no grant yet");
        assertTrue(registry.access(VpsRef.parse("web"), bob.fingerprint()).orElseThrow().admits(), "a VPS key");
        assertTrue(registry.access(VpsRef.parse("nope"), alice.fingerprint()).isEmpty());
        assertFalse(registry.anyHoldsKey(alice.fingerprint()), "nothing for alice to jump to");

        Instant until = Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Grant g = people.grant(web.id(), "alice", List.of("root", "dev"), until, People.ADMIN_TOKEN);
        assertEquals(List.of("root", "dev"), g.logins());
        KeyAccess access = registry.access(VpsRef.parse("web"), alice.fingerprint()).orElseThrow();
        assertTrue(access.admits());
        assertEquals("alice (grant)", access.via());
        assertTrue(access.refusal("dev", Instant.now(), "vps-web").isEmpty());
        assertEquals("alice's grant to vps-web allows the login users root, dev, not www: log in as vps-web+root",
                access.refusal("www", Instant.now(), "vps-web").orElseThrow());
        assertTrue(access.refusal(null, until.plusSeconds(1), "vps-web").orElseThrow().startsWith(
                "alice's access to vps-web ended at " + until), "expired");
        assertTrue(registry.anyHoldsKey(alice.fingerprint()), "the jump user reaches what a grant opens");
        assertEquals(Optional.of("alice"), registry.jumpVia(alice.fingerprint(), true, Instant.now()),
                "and names her");
        assertEquals(Optional.of("alice"), registry.jumpVia(ClientCa.credential("alice",
                Instant.now().plusSeconds(3600)), false, Instant.now()),
                "her certificate too (SSO), with no key on record");
        assertEquals(Optional.of("VPS key"), registry.jumpVia(bob.fingerprint(), true, Instant.now()));
        assertEquals(Optional.empty(), registry.jumpVia(bob.fingerprint(), false, Instant.now()), "vps_keys = false");
        assertFalse(registry.anyHoldsKey(alice.fingerprint(), true, until.plusSeconds(1)), "not once it ended");
        assertEquals(FerryException.Kind.INVALID, assertThrows(FerryException.class,
                () -> people.grant(web.id(), "audrey", List.of(), null, People.ADMIN_TOKEN)).kind(),
                "auditors log in nowhere");
        assertEquals(List.of("alice"), people.grantsTo(web.id()).stream().map(Grant::person).toList());

        // a VPS a person creates is theirs in the same statement: no moment without its owner
        people.add("olive", Role.MEMBER, List.of(), People.ADMIN_TOKEN);
        assertEquals("olive", registry.create(new NewVps("olives", ENDPOINT, List.of(TestKeys.ed25519("o")))
                .ownedBy("olive")).owner());
        FerryException ghost = assertThrows(FerryException.class, () -> registry.create(new NewVps("ghosts",
                ENDPOINT, List.of(TestKeys.ed25519("g"))).ownedBy("ghost")));
        assertEquals(FerryException.Kind.NOT_FOUND, ghost.kind(), ghost.getMessage());
        assertTrue(registry.find(VpsRef.parse("ghosts")).isEmpty(), "nothing made for nobody");

        people.setDisabled("alice", true, "root");
        assertFalse(registry.access(VpsRef.parse("web"), alice.fingerprint()).orElseThrow().admits());
        assertFalse(registry.anyHoldsKey(alice.fingerprint()));
        assertEquals("root", people.get("alice").disabledBy());
        people.setDisabled("alice", false, "root");
        assertTrue(registry.access(VpsRef.parse("web"), alice.fingerprint()).orElseThrow().admits());

        people.revoke(web.id(), "alice");
        assertFalse(registry.access(VpsRef.parse("web"), alice.fingerprint()).orElseThrow().admits());
        assertEquals(FerryException.Kind.NOT_FOUND, assertThrows(FerryException.class,
                () -> people.revoke(web.id(), "alice")).kind());
        people.grant(web.id(), "alice", List.of(), null, People.ADMIN_TOKEN);
        // her key stored on a VPS too, as a member's is when they create one: it goes with her, or else, nobody's
        // any more, it would let in what a disable shut
        Vps shared = registry.create(new NewVps("shared", ENDPOINT, List.of(alice, bob)));
        people.remove("alice");
        assertTrue(people.grantsTo(web.id()).isEmpty(), "a person's grants go with them");
        assertFalse(registry.access(VpsRef.ofId(shared.id()), alice.fingerprint()).orElseThrow().admits());
        assertEquals(List.of(bob.fingerprint()), registry.keys(VpsRef.ofId(shared.id())).stream()
                .map(VpsKey::fingerprint).toList());
        assertTrue(registry.access(VpsRef.parse("web"), alice.fingerprint()).map(KeyAccess::admits).orElse(true)
                == false, "and their keys");
    }

    @Test
    void keepsEverythingAcrossReopen() {
        Vps v = registry.create(new NewVps("db", ENDPOINT, List.of(alice, bob)));
        registry.close();
        registry = openRegistry();
        Vps again = registry.get(VpsRef.parse("db"));
        assertEquals(v, again);
        List<VpsKey> keys = registry.keys(VpsRef.ofId(v.id()));
        assertEquals(List.of(alice.fingerprint(), bob.fingerprint()).stream().sorted().toList(),
                keys.stream().map(VpsKey::fingerprint).sorted().toList());
        VpsKey stored = keys.stream().filter(k -> k.fingerprint().equals(alice.fingerprint())).findFirst().orElseThrow();
        assertEquals(alice.toOpenSsh(), stored.key().toOpenSsh());
    }

    @Test
    void refusesADuplicateName() {
        registry.create(new NewVps("web", ENDPOINT, List.of(alice)));
        FerryException e = assertThrows(FerryException.class,
                () -> registry.create(new NewVps("WEB", ENDPOINT, List.of(bob))));
        assertEquals(FerryException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("'web' already exists"), e.getMessage());
        assertEquals(1, registry.list().size());
    }

    @Test
    void findsEveryVpsHoldingAKey() {
        Vps a = registry.create(new NewVps("a", ENDPOINT, List.of(alice)));
        Vps b = registry.create(new NewVps("b", ENDPOINT, List.of(alice, bob)));
        assertTrue(registry.holdsKey(VpsRef.ofId(a.id()), alice.fingerprint()));
        assertTrue(registry.holdsKey(VpsRef.parse("B"), alice.fingerprint()));
        assertTrue(registry.holdsKey(VpsRef.ofId(b.id()), bob.fingerprint()));
        assertFalse(registry.holdsKey(VpsRef.parse("a"), bob.fingerprint()));
        assertFalse(registry.holdsKey(VpsRef.parse("nothere"), alice.fingerprint()));
        assertTrue(registry.anyHoldsKey(bob.fingerprint()));
        assertFalse(registry.anyHoldsKey(TestKeys.ed25519("nobody").fingerprint()));
        assertTrue(registry.hasKey(b.id(), bob.fingerprint()));
        assertFalse(registry.hasKey(a.id(), bob.fingerprint()));
    }

    @Test
    void addsNoKeyWhenOneOfThemIsAlreadyStored() {
        Vps v = registry.create(new NewVps(null, ENDPOINT, List.of(alice)));
        SshPublicKey carol = TestKeys.ed25519("carol");
        FerryException e = assertThrows(FerryException.class,
                () -> registry.addKeys(VpsRef.ofId(v.id()), List.of(carol, alice)));
        assertEquals(FerryException.Kind.CONFLICT, e.kind());
        assertFalse(registry.hasKey(v.id(), carol.fingerprint()), "the batch must be all or nothing");
        registry.addKeys(VpsRef.ofId(v.id()), List.of(carol));
        assertTrue(registry.hasKey(v.id(), carol.fingerprint()));
    }

    @Test
    void refusesToRemoveTheLastKey() {
        Vps v = registry.create(new NewVps(null, ENDPOINT, List.of(alice, bob)));
        registry.removeKey(VpsRef.ofId(v.id()), bob.fingerprint());
        FerryException e = assertThrows(FerryException.class,
                () -> registry.removeKey(VpsRef.ofId(v.id()), alice.fingerprint()));
        assertEquals(FerryException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("last key"), e.getMessage());
        assertTrue(registry.hasKey(v.id(), alice.fingerprint()));
    }

    @Test
    void unknownKeyOrVpsIsNotFound() {
        Vps v = registry.create(new NewVps(null, ENDPOINT, List.of(alice)));
        assertEquals(FerryException.Kind.NOT_FOUND, assertThrows(FerryException.class,
                () -> registry.removeKey(VpsRef.ofId(v.id()), bob.fingerprint())).kind());
        assertEquals(FerryException.Kind.NOT_FOUND, assertThrows(FerryException.class,
                () -> registry.remove(VpsRef.parse("nope"))).kind());
    }

    @Test
    void countsVpsByStatusAsTheListHasThem() {
        assertEquals(Map.of(), registry.countByStatus());
        Vps a = registry.create(new NewVps("a", ENDPOINT, List.of(alice)));
        registry.create(new NewVps("b", ENDPOINT, List.of(bob)));
        registry.create(new NewVps("c", ENDPOINT, List.of(alice, bob)));
        registry.updateStatus(VpsRef.ofId(a.id()), VpsStatus.STOPPED);
        assertEquals(Map.of(VpsStatus.RUNNING, 2, VpsStatus.STOPPED, 1), registry.countByStatus());
        Map<VpsStatus, Integer> listed = new EnumMap<>(VpsStatus.class);
        registry.list().forEach(v -> listed.merge(v.status(), 1, Integer::sum));
        assertEquals(listed, registry.countByStatus());
    }

    @Test
    void removingAVpsRemovesItsKeys() {
        Vps v = registry.create(new NewVps(null, ENDPOINT, List.of(alice)));
        registry.remove(VpsRef.ofId(v.id()));
        assertTrue(registry.list().isEmpty());
        assertFalse(registry.anyHoldsKey(alice.fingerprint()));
    }

    @Test
    void aHostKeyGivenAtRegistrationIsKeptWithoutItsCommentAcrossReopen() {
        SshPublicKey hostKey = TestKeys.ed25519("root@vps");
        Vps v = registry.create(new NewVps("ext", ENDPOINT, List.of(alice), null, hostKey.toOpenSsh()));
        String line = hostKey.type() + " " + hostKey.base64();
        assertEquals(line, v.hostKey());
        registry.close();
        registry = openRegistry();
        assertEquals(line, registry.get(VpsRef.ofId(v.id())).hostKey());
        assertNull(registry.create(new NewVps("other", ENDPOINT, List.of(bob))).hostKey());
    }

    @Test
    void recordHostKeySetsOnlyAKeyNotKnownYet() {
        Vps v = registry.create(new NewVps("ext", ENDPOINT, List.of(alice)));
        SshPublicKey first = TestKeys.ed25519("first");
        SshPublicKey second = TestKeys.ed25519("second");
        assertTrue(registry.recordHostKey(v.id(), first.toOpenSsh()));
        assertFalse(registry.recordHostKey(v.id(), second.toOpenSsh()), "first contact is recorded once");
        assertEquals(first.type() + " " + first.base64(), registry.get(VpsRef.ofId(v.id())).hostKey());
        assertEquals(v.updatedAt(), registry.get(VpsRef.ofId(v.id())).updatedAt(), "not a status change");
        registry.replaceHostKey(v.id(), second.toOpenSsh());
        assertEquals(second.type() + " " + second.base64(), registry.get(VpsRef.ofId(v.id())).hostKey());
        assertThrows(KeyFormatException.class, () -> registry.recordHostKey(v.id(), "ssh-ed25519 bm90"));
        FerryException unknown = assertThrows(FerryException.class,
                () -> registry.recordHostKey(1234567890123456789L, first.toOpenSsh()));
        assertEquals(FerryException.Kind.NOT_FOUND, unknown.kind());
    }

    @Test
    void aHostKeyAnotherVpsHoldsIsNotStored() {
        Vps a = registry.create(new NewVps("a", ENDPOINT, List.of(alice)));
        Vps b = registry.create(new NewVps("b", ENDPOINT, List.of(alice)));
        SshPublicKey aKey = TestKeys.ed25519("a");
        SshPublicKey bKey = TestKeys.ed25519("b");
        assertTrue(registry.replaceHostKey(a.id(), aKey.toOpenSsh()).isEmpty());
        assertTrue(registry.replaceHostKey(b.id(), bKey.toOpenSsh()).isEmpty());
        assertEquals(a.id(), registry.replaceHostKey(b.id(), aKey.toOpenSsh()).getAsLong(), "a holds it");
        assertEquals(bKey.type() + " " + bKey.base64(), registry.get(VpsRef.ofId(b.id())).hostKey(), "unchanged");
        assertTrue(registry.replaceHostKey(a.id(), aKey.toOpenSsh()).isEmpty(), "its own key again: no conflict");
        registry.remove(VpsRef.ofId(a.id()));
        assertTrue(registry.replaceHostKey(b.id(), aKey.toOpenSsh()).isEmpty(), "free once its holder is gone");
    }

    @Test
    void refusesASchemaNewerThanTheCode() throws Exception {
        registry.close();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO \"ferry_schema_history\" (\"installed_rank\", \"version\", \"description\", "
                    + "\"type\", \"script\", \"checksum\", \"installed_by\", \"installed_on\", \"execution_time\", "
                    + "\"success\") VALUES (99, '99', 'future', "
                    + "'SQL', 'V99__future.sql', 0, 'ferry', CURRENT_TIMESTAMP, 0, TRUE)");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, this::openRegistry);
        assertTrue(e.getMessage().contains("newer Ferry"), e.getMessage());
        registry = null;
    }

    @Test
    void appliesEachMigrationOnceAndHasAnIdentity() throws Exception {
        String id = registry.runners().registryId();
        registry.close();
        registry = openRegistry();
        assertEquals(id, registry.runners().registryId(), "the identity is kept");
        try (Connection c = connect(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*), COUNT(DISTINCT \"version\") FROM \"ferry_schema_history\" "
                     + "WHERE \"version\" IS NOT NULL")) {
            rs.next();
            assertEquals(rs.getInt(2), rs.getInt(1), "each version once");
            assertTrue(rs.getInt(1) >= 1);
        }
    }

    @Test
    void sessionNumbersAreNeverHandedOutTwiceAcrossHostsAndRestarts() {
        SessionStore store = new SessionStore(registry.statements(), Clock.systemUTC());
        SessionNumbers a = new SessionNumbers(store);
        SessionNumbers b = new SessionNumbers(store);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 2500; i++) {
            assertTrue(seen.add(a.getAsLong()), "a number twice");
            assertTrue(seen.add(b.getAsLong()), "a number twice");
        }
        registry.close();
        registry = openRegistry();
        long afterRestart = new SessionNumbers(new SessionStore(registry.statements(), Clock.systemUTC())).getAsLong();
        assertTrue(seen.stream().allMatch(n -> n < afterRestart), "a Host started again goes on after every number "
                + "handed out before");
    }

    @Test
    void liveSessionsOfAHostThatIsGoneAreNotListedAndAKillReachesTheirHolder() {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-07T12:00:00Z"));
        Coordination coordination = new Coordination(registry.statements(), clock);
        SessionStore store = new SessionStore(registry.statements(), clock);
        Duration stale = Duration.ofSeconds(30);
        coordination.claimInstance(1, "host-a", stale);
        coordination.claimInstance(2, "host-b", stale);
        Instant started = clock.instant();
        store.publish(1, "host-a", List.of(new SessionStore.Written("s1", 7L, started, "{\"id\": \"s1\"}")),
                List.of());
        store.publish(2, "host-b", List.of(new SessionStore.Written("s1001", null, started, "{\"id\": \"s1001\"}")),
                List.of());
        assertEquals(List.of("s1", "s1001"), store.live(stale).stream().map(SessionStore.Row::id).toList());

        assertTrue(store.askKill("s1001", "an administrator", "maintenance"));
        assertFalse(store.askKill("s999", "an administrator", ""), "no such session: nobody to ask");
        assertEquals(List.of(new SessionStore.Kill("s1001", "an administrator", "maintenance")), store.kills("host-b"));
        assertEquals(List.of(), store.kills("host-a"));

        clock.advance(Duration.ofSeconds(20));
        coordination.claimInstance(1, "host-a", stale); // host-a goes on; host-b went silent 20 s ago
        store.publish(1, "host-a", List.of(new SessionStore.Written("s1", 7L, started, "{\"id\": \"s1\", \"x\": 1}")),
                List.of());
        clock.advance(Duration.ofSeconds(15));
        assertEquals(List.of("s1"), store.live(stale).stream().map(SessionStore.Row::id).toList(), "host-b is gone");
        assertEquals("{\"id\": \"s1\", \"x\": 1}", store.get("s1", stale).orElseThrow().view());
        assertTrue(store.get("s1001", stale).isEmpty());
        assertEquals(1, store.forgetGone(stale), "host-b's row goes");

        store.publish(1, "host-a", List.of(), List.of("s1"));
        assertEquals(List.of(), store.live(stale));
    }
}

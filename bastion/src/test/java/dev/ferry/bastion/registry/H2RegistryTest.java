package dev.ferry.bastion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsKey;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2RegistryTest {
    private static final Endpoint ENDPOINT = new Endpoint("127.0.0.1", 2200);

    @TempDir
    Path dir;

    private H2Registry registry;
    private final SshPublicKey alice = TestKeys.ed25519("alice@laptop");
    private final SshPublicKey bob = TestKeys.ecdsa("bob");

    @BeforeEach
    void open() {
        registry = openRegistry();
    }

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private H2Registry openRegistry() {
        return H2Registry.open(dir, new Snowflake(1), Clock.systemUTC());
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
    void aRegistryOfSchemaV4GainsAnEmptyHostKeyColumn() throws Exception {
        Vps v = registry.create(new NewVps("old", ENDPOINT, List.of(alice)));
        registry.close();
        String url = "jdbc:h2:file:" + dir.resolve("registry").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "ferry", ""); Statement st = c.createStatement()) {
            undoV6(st);
            st.execute("ALTER TABLE vps DROP COLUMN host_key");
            st.execute("DELETE FROM ferry_schema WHERE version = 5");
        }
        registry = openRegistry();
        Vps after = registry.get(VpsRef.ofId(v.id()));
        assertEquals("old", after.name());
        assertNull(after.hostKey());
        assertTrue(registry.recordHostKey(v.id(), bob.toOpenSsh()));
    }

    /** Takes a registry back to schema version 5, as a Ferry from before enrollment left it. */
    private static void undoV6(Statement st) throws java.sql.SQLException {
        undoV7(st);
        st.execute("DROP TABLE join_token");
        st.execute("DROP INDEX runner_by_credential");
        for (String column : List.of("credential_hash", "on_host_machine", "port_min", "port_max")) {
            st.execute("ALTER TABLE runner DROP COLUMN " + column);
        }
        st.execute("DELETE FROM ferry_schema WHERE version = 6");
    }

    /** Takes a registry back to schema version 6, as a Ferry from before host certificates were tracked left it. */
    private static void undoV7(Statement st) throws java.sql.SQLException {
        st.execute("ALTER TABLE vps DROP COLUMN host_certified");
        st.execute("DELETE FROM ferry_schema WHERE version = 7");
    }

    @Test
    void aRegistryOfSchemaV6GainsAHostCertifiedColumnThatSaysNo() throws Exception {
        Vps v = registry.create(new NewVps("old", ENDPOINT, List.of(alice)));
        registry.close();
        String url = "jdbc:h2:file:" + dir.resolve("registry").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "ferry", ""); Statement st = c.createStatement()) {
            undoV7(st);
        }
        registry = openRegistry();
        assertFalse(registry.get(VpsRef.ofId(v.id())).hostCertified());
        registry.recordHostCertified(v.id(), true);
        assertTrue(registry.get(VpsRef.ofId(v.id())).hostCertified());
    }

    @Test
    void aRunnerOfSchemaV5IsEnrolledByTheFirstRunnerThatAsks() throws Exception {
        registry.runners().enroll("r1", "10.0.0.7", new dev.ferry.bastion.fleet.Runner.Enrollment(false, 32768, 60999),
                "a".repeat(64), java.time.Instant.now());
        registry.close();
        String url = "jdbc:h2:file:" + dir.resolve("registry").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "ferry", ""); Statement st = c.createStatement()) {
            undoV6(st);
        }
        registry = openRegistry();
        var r1 = registry.runners().find("r1").orElseThrow();
        assertEquals("10.0.0.7", r1.address());
        assertFalse(registry.runners().isEnrolled("r1"), "no credential: the next enrollment binds the name");
        assertFalse(r1.enrollment().onHostMachine(), "never taken for the Host's machine");
        assertEquals("1-65535", r1.enrollment().portRange());
        registry.runners().enroll("r1", "10.0.0.7", new dev.ferry.bastion.fleet.Runner.Enrollment(false, 32768, 60999),
                "b".repeat(64), java.time.Instant.now());
        assertEquals("r1", registry.runners().nameOfCredential("b".repeat(64)).orElseThrow());
    }

    @Test
    void refusesASchemaNewerThanTheCode() throws Exception {
        registry.close();
        String url = "jdbc:h2:file:" + dir.resolve("registry").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "ferry", ""); Statement st = c.createStatement()) {
            st.execute("INSERT INTO ferry_schema(version, script, applied_at) VALUES (99, 'V99__future.sql', "
                    + "CURRENT_TIMESTAMP)");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, this::openRegistry);
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
        assertTrue(e.getMessage().contains("newer Ferry"), e.getMessage());
        registry = null;
    }

    @Test
    void appliesEachMigrationOnce() throws Exception {
        registry.close();
        registry = openRegistry();
        registry.close();
        String url = "jdbc:h2:file:" + dir.resolve("registry").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "ferry", ""); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COUNT(*), MAX(version) FROM ferry_schema")) {
            rs.next();
            assertEquals(Migrations.latestVersion(), rs.getInt(1));
            assertEquals(Migrations.latestVersion(), rs.getInt(2));
        }
        registry = openRegistry();
    }

    @Test
    void whatACallConfirmedSurvivesAKillInEveryRoundOfAnAgingFile() throws Exception {
        // Writes made seconds after the registry opened, on a file that has been reopened several times:
        // where H2 reuses free space, a commit there used to be lost by a kill in about one round of four.
        registry.close();
        Path data = dir.resolve("aging");
        List<Long> confirmed = new java.util.ArrayList<>();
        for (int round = 0; round < 6; round++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    KilledWriter.class.getName(), data.toString(), "6000").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("written (\\d+)").matcher(out);
            assertTrue(m.find(), "round " + round + ": " + out);
            confirmed.add(Long.parseLong(m.group(1)));
        }
        registry = H2Registry.open(data, new Snowflake(1), java.time.Clock.systemUTC());
        for (long id : confirmed) {
            assertTrue(registry.find(VpsRef.ofId(id)).isPresent(), "lost VPS " + id + " of " + confirmed);
        }
    }

    @Test
    void theFileIsCompactedAtEachOpen() throws Exception {
        Vps v = registry.create(new NewVps("churn", ENDPOINT, List.of(alice)));
        for (int i = 0; i < 100; i++) {
            registry.updateStatus(VpsRef.ofId(v.id()), i % 2 == 0 ? VpsStatus.STOPPED : VpsStatus.RUNNING);
        }
        registry.close();
        long grown = java.nio.file.Files.size(dir.resolve("registry.mv.db"));
        registry = openRegistry();
        long compacted = java.nio.file.Files.size(dir.resolve("registry.mv.db"));
        assertTrue(compacted * 4 < grown, grown + " bytes after 100 changes, " + compacted + " after reopening");
        assertEquals(VpsStatus.RUNNING, registry.get(VpsRef.ofId(v.id())).status());
    }
}

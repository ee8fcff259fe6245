package dev.ferry.bastion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry on the embedded H2 file: the contract, and what only the file has (its way up from before
 * Flyway, kills, compaction). */
class H2RegistryTest extends RegistryContract {
    @TempDir
    Path dir;

    @Override
    JdbcRegistry openRegistry() {
        return JdbcRegistry.open(dir, new Snowflake(1), Clock.systemUTC());
    }

    @Override
    Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("registry").toAbsolutePath(), "ferry", "");
    }

    /** A registry file as a Ferry of legacy schema {@code version} (before Flyway) left it, with {@code rows}. */
    private void legacyRegistry(int version, String... rows) throws Exception {
        registry.close();
        java.nio.file.Files.delete(dir.resolve("registry.mv.db"));
        try (Connection c = connect(); Statement st = c.createStatement()) {
            LegacySchema.make(c, version);
            for (String row : rows) {
                st.execute(row);
            }
        }
    }

    @Test
    void aRegistryOfLegacyVersion4KeepsItsVpsAndKeysAndGainsWhatCameLater() throws Exception {
        legacyRegistry(4, "INSERT INTO vps(id, name, status, endpoint_host, endpoint_port, created_at, updated_at) "
                + "VALUES (42, 'old', 'running', '10.0.0.5', 22, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                "INSERT INTO vps_key(vps_id, fingerprint, key_type, key_blob, comment, added_at) VALUES (42, '"
                        + alice.fingerprint() + "', '" + alice.type() + "', '" + alice.base64() + "', 'a', "
                        + "CURRENT_TIMESTAMP)");
        registry = openRegistry();
        Vps after = registry.get(VpsRef.ofId(42));
        assertEquals("old", after.name());
        assertEquals(new Endpoint("10.0.0.5", 22), after.endpoint());
        assertNull(after.hostKey());
        assertFalse(after.hostCertified());
        assertTrue(registry.holdsKey(VpsRef.parse("old"), alice.fingerprint()));
        assertTrue(registry.recordHostKey(42, bob.toOpenSsh()));
        registry.runners().enroll("r1", "10.0.0.7", new dev.ferry.bastion.fleet.Runner.Enrollment(false, 32768,
                60999), "a".repeat(64), java.time.Instant.now());
        try (Connection c = connect(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT \"version\", \"type\" FROM \"ferry_schema_history\" "
                     + "WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            assertTrue(rs.next());
            assertEquals("1", rs.getString(1));
            assertEquals("BASELINE", rs.getString(2), "taken as Flyway's version 1, not made again");
        }
    }

    @Test
    void aRunnerOfLegacyVersion5IsEnrolledByTheFirstRunnerThatAsks() throws Exception {
        legacyRegistry(5, "INSERT INTO runner(name, address, cpus, memory_bytes, docker_ok, online, registered_at, "
                + "last_heartbeat) VALUES ('r1', '10.0.0.7', 2, 1024, TRUE, FALSE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
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
    void refusesALegacySchemaNewerThanTheCode() throws Exception {
        legacyRegistry(7, "INSERT INTO ferry_schema(version, script, applied_at) VALUES (99, 'V99__future.sql', "
                + "CURRENT_TIMESTAMP)");
        IllegalStateException e = assertThrows(IllegalStateException.class, this::openRegistry);
        assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
        assertTrue(e.getMessage().contains("newer Ferry"), e.getMessage());
        registry = null;
    }

    @Test
    @Tag("load")
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
        registry = JdbcRegistry.open(data, new Snowflake(1), java.time.Clock.systemUTC());
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

package dev.ferry.bastion.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.SmallDisk;
import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry on a disk that fills up (a tmpfs of its own; needs root, as the tests run here). H2's store closes
 * the database when a write fails: reads must go on, and changes work again once there is room, in the same
 * process.
 */
class RegistryDiskFullTest {
    private static final Endpoint ENDPOINT = new Endpoint("127.0.0.1", 2200);

    @TempDir
    Path dir;

    private SmallDisk disk;
    private JdbcRegistry registry;
    private final SshPublicKey alice = TestKeys.ed25519("alice");
    private final SshPublicKey bob = TestKeys.ed25519("bob");

    @BeforeEach
    void mount() throws Exception {
        disk = SmallDisk.mount(dir.resolve("data"), 4);
    }

    @AfterEach
    void unmount() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            disk.close();
        }
    }

    @Test
    void aWriteH2CannotMakeIsRefusedWithASentenceAndTheRegistryGoesOnWithoutARestart() throws Exception {
        registry = JdbcRegistry.open(disk.dir(), new Snowflake(1), Clock.systemUTC(), 0); // no margin: H2 meets it
        Vps web = registry.create(new NewVps("web", ENDPOINT, List.of(alice)));
        disk.fill();

        FerryException refused = assertThrows(FerryException.class,
                () -> registry.create(new NewVps("db", ENDPOINT, List.of(bob))));
        assertEquals(FerryException.Kind.UNAVAILABLE, refused.kind(), refused.toString());
        assertTrue(refused.getMessage().contains("data directory " + disk.dir() + " has no space left"),
                refused.getMessage());
        // a failed write closes H2's database: reads from many threads (logins) must still be answered, also while
        // it happens
        ExecutorService readers = Executors.newFixedThreadPool(8);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<Integer>> reads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                reads.add(readers.submit(() -> {
                    int n = 0;
                    while (writing.get() || n < 20) {
                        assertTrue(registry.holdsKey(VpsRef.parse("web"), alice.fingerprint()));
                        n++;
                    }
                    return n;
                }));
            }
            Thread.sleep(50); // the readers are under way
            assertThrows(FerryException.class, () -> registry.addKeys(VpsRef.parse("web"), List.of(bob)));
            writing.set(false);
            for (Future<Integer> r : reads) {
                assertTrue(r.get() >= 20);
            }
        } finally {
            writing.set(false);
            readers.shutdownNow();
        }

        disk.free();
        registry.addKeys(VpsRef.parse("web"), List.of(bob));
        Vps db = registry.create(new NewVps("db", ENDPOINT, List.of(bob)));
        assertEquals(List.of(web.id(), db.id()), registry.list().stream().map(Vps::id).toList());
        registry.close();
        registry = JdbcRegistry.open(disk.dir(), new Snowflake(1), Clock.systemUTC());
        assertEquals(2, registry.keys(VpsRef.parse("web")).size(), "kept across a reopen");
        assertEquals(db, registry.get(VpsRef.parse("db")));
    }

    @Test
    void aNearlyFullDiskIsRefusedBeforeH2WritesAByte() throws Exception {
        registry = JdbcRegistry.open(disk.dir(), new Snowflake(1), Clock.systemUTC());
        registry.create(new NewVps("web", ENDPOINT, List.of(alice)));
        disk.fill();

        FerryException refused = assertThrows(FerryException.class,
                () -> registry.addKeys(VpsRef.parse("web"), List.of(bob)));
        assertEquals(FerryException.Kind.UNAVAILABLE, refused.kind(), refused.toString());
        // a write H2 tried would have closed its database and left its failure behind the sentence
        assertNull(refused.getCause(), "H2 was not asked to write");
        assertTrue(registry.holdsKey(VpsRef.parse("web"), alice.fingerprint()));
        disk.free();
        assertEquals(1, registry.addKeys(VpsRef.parse("web"), List.of(bob)).size());
    }

    @Test
    void aHostRestartedOnAFullDiskOpensTheRegistryAndServesWhatItHolds() throws Exception {
        registry = JdbcRegistry.open(disk.dir(), new Snowflake(1), Clock.systemUTC());
        Vps web = registry.create(new NewVps("web", ENDPOINT, List.of(alice)));
        registry.close();
        registry = null;
        disk.fill();

        registry = JdbcRegistry.open(disk.dir(), new Snowflake(1), Clock.systemUTC());
        assertEquals(web, registry.get(VpsRef.parse("web")));
        assertTrue(registry.holdsKey(VpsRef.parse("web"), alice.fingerprint()));
        assertThrows(FerryException.class, () -> registry.addKeys(VpsRef.parse("web"), List.of(bob)));
        disk.free();
        assertEquals(1, registry.addKeys(VpsRef.parse("web"), List.of(bob)).size());
    }
}

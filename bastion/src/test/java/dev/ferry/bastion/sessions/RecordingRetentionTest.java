package dev.ferry.bastion.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.registry.JdbcRegistry;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.testing.MovableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recordings kept within their days and their size, on real files and the registry's rows of them. */
class RecordingRetentionTest {
    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T12:00:00Z"));

    /** A session's recording of {@code bytes}, written on {@code day} (its files' times too). */
    private Path session(String day, String id, int bytes, RecordingStore store) throws Exception {
        Path s = Files.createDirectories(dir.resolve("recordings").resolve(day).resolve(id));
        Path f = Files.write(s.resolve("events.jsonl.gz"), new byte[bytes]);
        Instant at = Instant.parse(day.replace('/', '-') + "T10:00:00Z");
        Files.setLastModifiedTime(f, FileTime.from(at));
        store.opened(id, day + "/" + id + "/events.jsonl.gz", "events", null, null, "host", at);
        return s;
    }

    @Test
    void oldSessionsGoThenTheOldestBeyondTheCapAndTheLiveOneStays() throws Exception {
        try (JdbcRegistry registry = JdbcRegistry.open(dir, new Snowflake(1), clock)) {
            RecordingStore store = new RecordingStore(registry.statements());
            RecordingFiles files = new RecordingFiles(dir.resolve("recordings"));
            Path ancient = session("2026/08/01", "s1", 100, store);
            Path older = session("2026/12/01", "s2", 400, store);
            Path old = session("2026/12/05", "s3", 400, store);
            Path live = session("2026/12/07", "s4", 400, store);
            Files.setLastModifiedTime(live.resolve("events.jsonl.gz"), FileTime.from(clock.instant()));

            new RecordingRetention(files, store, null, Duration.ofDays(90), 1200, clock).enforce();
            assertFalse(Files.exists(ancient), "older than 90 days");
            assertTrue(store.of("s1").isEmpty(), "and gone from the registry");
            assertTrue(Files.exists(older) && Files.exists(old) && Files.exists(live), "the rest, 1200 bytes, is within the cap");

            new RecordingRetention(files, store, null, Duration.ofDays(90), 500, clock).enforce();
            assertFalse(Files.exists(older), "the oldest goes first");
            assertFalse(Files.exists(old), "then the next");
            assertTrue(Files.exists(live), "a session written to a moment ago stays, even beyond the cap");
            assertEquals(1, store.of("s4").size());
        }
    }

    /** An object store kept in memory: a hand-written fake behind the interface, for this unit test only. */
    private static final class MemoryArchive implements RecordingArchive {
        final java.util.Map<String, byte[]> objects = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void put(String name, Path file) throws java.io.IOException {
            objects.put(name, Files.readAllBytes(file));
        }

        @Override
        public java.io.InputStream open(String name) throws java.io.IOException {
            byte[] b = objects.get(name);
            if (b == null) {
                throw new java.nio.file.NoSuchFileException(name);
            }
            return new java.io.ByteArrayInputStream(b);
        }

        @Override
        public void delete(String name) {
            objects.remove(name);
        }

        @Override
        public String check() {
            return null;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void recordingsInTheObjectStoreGoWhenTheyAreOlderThanTheRetentionAndTheDiskCapLeavesThemAlone() throws Exception {
        try (JdbcRegistry registry = JdbcRegistry.open(dir, new Snowflake(1), clock)) {
            RecordingStore store = new RecordingStore(registry.statements());
            RecordingFiles files = new RecordingFiles(dir.resolve("recordings"));
            MemoryArchive archive = new MemoryArchive();
            String ancient = "2026/08/01/s1/events.jsonl.gz";
            String recent = "2026/12/01/s2/events.jsonl.gz";
            for (String name : java.util.List.of(ancient, recent)) {
                String session = name.split("/")[3];
                Instant at = Instant.parse(name.substring(0, 10).replace('/', '-') + "T10:00:00Z");
                store.opened(session, name, "events", null, null, "host", at);
                store.closed(session, name, 100, "0".repeat(64), 0, at);
                archive.objects.put(name, new byte[100]);
                store.archived(session, name, at);
            }

            new RecordingRetention(files, store, archive, Duration.ofDays(90), 1, clock).enforce();
            assertFalse(archive.objects.containsKey(ancient), "older than 90 days: deleted from the store");
            assertTrue(store.of("s1").isEmpty(), "and from the registry");
            assertTrue(archive.objects.containsKey(recent), "a 1-byte disk cap does not reach the object store");
            assertEquals(1, store.of("s2").size());
        }
    }
}

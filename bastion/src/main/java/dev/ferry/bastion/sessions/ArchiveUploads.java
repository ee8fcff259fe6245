package dev.ferry.bastion.sessions;

import dev.ferry.bastion.DaemonThreads;
import dev.ferry.bastion.log.AuditLog;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves each closed recording file from the Host's disk to the object store, on a thread of its own: stored, its row
 * says so, then the local copy goes. A store that fails is tried again (1 s, 2 s, 4 s, ... at most every 5 minutes)
 * while the file waits on the disk, readable from this Host and within its retention and size cap; the first
 * failure of each file is an audit event. At the Host's start what it wrote before and did not store (it stopped,
 * was killed, or the store was down) is stored then, as far as it was written.
 */
public final class ArchiveUploads implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArchiveUploads.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LAST_RETRY = Duration.ofMinutes(5);

    private final RecordingArchive archive;
    private final RecordingFiles files;
    private final RecordingStore store;
    private final String holder;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1,
            DaemonThreads.named("ferry-recordings-archive"));

    public ArchiveUploads(RecordingArchive archive, RecordingFiles files, RecordingStore store, String holder,
                          Clock clock) {
        // at a stop the files that closed last are still stored; those waiting to be tried again wait for the start
        thread.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.archive = archive;
        this.files = files;
        this.store = store;
        this.holder = holder;
        this.clock = clock;
    }

    public RecordingArchive archive() {
        return archive;
    }

    /** Stores what this Host wrote before now and has not stored yet. */
    public void resume() {
        Instant now = clock.instant();
        thread.execute(() -> {
            try {
                for (RecordingStore.File f : store.notArchived(holder, now)) {
                    store(f.session(), f.name(), 0);
                }
            } catch (RuntimeException e) {
                log.warn("recordings: cannot list what is left to store in {}: {}", archive, e.toString());
            }
        });
    }

    /** Recording {@code name} of {@code session} has closed (its row says so): stores it. */
    void closed(String session, String name) {
        thread.execute(() -> store(session, name, 0));
    }

    private void store(String session, String name, int attempt) {
        Path path = files.path(name);
        if (!Files.exists(path)) {
            log.warn("recordings: {} is not on this Host's disk any more; it cannot be stored in {}", name, archive);
            return;
        }
        try {
            archive.put(name, path);
            store.archived(session, name, clock.instant());
        } catch (IOException | RuntimeException e) {
            Duration wait = retryAfter(attempt);
            log.warn("recordings: cannot store {} in {} (attempt {}); it stays on this Host's disk and is tried "
                    + "again in {} s: {}", name, archive, attempt + 1, wait.toSeconds(), e.getMessage());
            if (attempt == 0) {
                AuditLog.event("recording_archive_failed").put("session", session).put("file", name)
                        .put("store", archive.toString()).put("reason", String.valueOf(e.getMessage())).write();
            }
            thread.schedule(() -> store(session, name, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        if (attempt > 0) {
            log.info("recordings: {} stored in {} at attempt {}", name, archive, attempt + 1);
        }
        try {
            Files.deleteIfExists(path);
            Files.deleteIfExists(path.getParent());
        } catch (DirectoryNotEmptyException others) {
            // the session's other files are still on their way
        } catch (IOException e) {
            log.warn("recordings: {} is stored in {} but its local copy could not be deleted: {}", name, archive,
                    e.toString());
        }
    }

    /** The wait before attempt {@code attempt + 2}: doubling from a second, at most five minutes. */
    static Duration retryAfter(int attempt) {
        long millis = FIRST_RETRY.toMillis() << Math.min(attempt, 20);
        return Duration.ofMillis(Math.min(millis, LAST_RETRY.toMillis()));
    }

    /** Stores the files that have closed, for up to 10 s, then stops: what is left is stored at the next start. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
        archive.close();
    }
}

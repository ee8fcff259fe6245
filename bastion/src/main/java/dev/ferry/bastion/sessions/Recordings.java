package dev.ferry.bastion.sessions;

import dev.ferry.bastion.DaemonThreads;
import dev.ferry.bastion.log.AuditLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Host's session recordings: a recorder for each plain-mode session, its files written by the
 * {@link RecordingWriter} under {@code <yyyy>/<mm>/<dd>/<session>/}, each file's row in the registry (its SHA-256 once
 * it closes), the move of closed files to the object store when there is one, and the audit event of a recording
 * that failed. Registry writes go through a thread of their own: an
 * I/O thread never waits for the database.
 */
public final class Recordings implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Recordings.class);

    private final RecordingWriter writer;
    private final RecordingStore store;
    private final String holder;
    private final SessionRecorder.Options options;
    private final Clock clock;
    private final WatchFeed feed;
    private final ArchiveUploads uploads;
    private final ExecutorService registry = Executors.newSingleThreadExecutor(
            DaemonThreads.named("ferry-recordings-registry"));

    /** @param uploads where closed files go to be read from any Host, or null: they stay on this Host's disk */
    public Recordings(RecordingWriter writer, RecordingStore store, String holder, SessionRecorder.Options options,
                      WatchFeed feed, ArchiveUploads uploads, Clock clock) {
        this.feed = feed;
        this.uploads = uploads;
        this.writer = writer;
        this.store = store;
        this.holder = holder;
        this.options = options;
        this.clock = clock;
    }

    public RecordingStore store() {
        return store;
    }

    public RecordingFiles files() {
        return writer.files();
    }

    /** The object store closed files go to, or null when they stay on this Host's disk. */
    public RecordingArchive archive() {
        return uploads == null ? null : uploads.archive();
    }

    /**
     * Recording {@code f} as stored (compressed), from the object store or this Host's disk.
     *
     * @throws NoSuchFileException saying where it is when this Host cannot read it
     */
    public InputStream open(RecordingStore.File f) throws IOException {
        if (f.archivedAt() != null) {
            if (uploads == null) {
                throw new NoSuchFileException("recording " + f.name() + " is in the object store, which this Host "
                        + "is not configured to read (recordings_url)");
            }
            return uploads.archive().open(f.name());
        }
        Path path = writer.files().path(f.name());
        if (Files.exists(path)) {
            return Files.newInputStream(path);
        }
        if (uploads != null) {
            try {
                return uploads.archive().open(f.name()); // moved there since its row was read
            } catch (IOException notThere) {
                // still on the disk of the Host that wrote it (or the store does not answer): said below
            }
        }
        throw new NoSuchFileException("recording " + f.name() + " is not on this Host (" + f.holder()
                + " recorded it and keeps it" + (uploads == null ? "" : " until it stores it in "
                + uploads.archive()) + ")");
    }

    /** Why recordings cannot be written now, or null when they can. */
    String failing() {
        return writer.failing();
    }

    /** Where what the watched sessions' terminals show goes. */
    WatchFeed feed() {
        return feed;
    }

    /** A recorder for a session that has logged in now. */
    public SessionRecorder start(SessionRecorder.Subject subject) {
        LocalDate day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        String dir = String.format("%04d/%02d/%02d/%s/", day.getYear(), day.getMonthValue(), day.getDayOfMonth(),
                subject.session());
        return new SessionRecorder(this, subject.withHost(holder), options, dir);
    }

    RecordingWriter.Track open(SessionRecorder.Subject s, String name, String kind, Long channel,
                               Consumer<String> failed, Runnable drained) {
        Long vps = s.vpsId() == null ? null : Long.parseLong(s.vpsId());
        var at = clock.instant();
        registry.execute(() -> quietly(() -> store.opened(s.session(), name, kind, channel, vps, holder, at)));
        return writer.open(name, new RecordingWriter.Producer() {
            @Override
            public void drained() {
                drained.run();
            }

            @Override
            public void failed(String why) {
                failed.accept(why);
            }
        });
    }

    void close(SessionRecorder.Subject s, RecordingWriter.Track track) {
        track.close(closed -> registry.execute(() -> quietly(() -> {
            store.closed(s.session(), closed.name(), closed.bytes(), closed.sha256(), closed.dropped(),
                    clock.instant());
            if (uploads != null) {
                uploads.closed(s.session(), closed.name());
            }
            if (closed.dropped() > 0) {
                log.warn("{} recording {}: {} bytes left out (the peer sent faster than the disk took them)",
                        s.session(), closed.name(), closed.dropped());
                AuditLog.event("recording_incomplete").put("session", s.session()).put("file", closed.name())
                        .put("bytes_left_out", closed.dropped()).write();
            }
        })));
    }

    void failed(SessionRecorder.Subject s, String why) {
        AuditLog.event("recording_failed").put("session", s.session()).put("user", s.user())
                .put("client", s.client()).put("key", s.key()).put("reason", why).write();
    }

    private static void quietly(Runnable registryWrite) {
        try {
            registryWrite.run();
        } catch (RuntimeException e) {
            log.warn("a recording's row could not be written to the registry: {}", e.toString());
        }
    }

    /** Writes what is gathered and the last rows, stores what closed, then stops. */
    @Override
    public void close() {
        writer.close();
        registry.shutdown();
        try {
            registry.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (uploads != null) {
            uploads.close();
        }
    }
}

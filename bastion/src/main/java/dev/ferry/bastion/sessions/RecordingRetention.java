package dev.ferry.bastion.sessions;

import dev.ferry.bastion.log.AuditLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Host's recordings within their retention and size: sessions recorded more than the retention's days ago
 * go, then, while the recordings take more than their cap, the oldest sessions' go first. A session written to in the
 * last {@link #BUSY} is never deleted: it is most likely still live. What goes leaves the registry too, and one audit
 * event says how much went and why.
 */
public final class RecordingRetention {
    private static final Logger log = LoggerFactory.getLogger(RecordingRetention.class);
    /** A session whose files changed this recently is left alone. */
    static final Duration BUSY = Duration.ofMinutes(2);

    private final RecordingFiles files;
    private final RecordingStore store;
    private final RecordingArchive archive;
    private final Duration keep;
    private final long maxBytes;
    private final Clock clock;

    /** @param archive the object store closed recordings move to, or null */
    public RecordingRetention(RecordingFiles files, RecordingStore store, RecordingArchive archive, Duration keep,
                              long maxBytes, Clock clock) {
        this.files = files;
        this.store = store;
        this.archive = archive;
        this.keep = keep;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** A session's recording directory: its day and its size. */
    private record Session(Path dir, LocalDate day, long bytes, Instant modified) {
    }

    /** One round: what is too old, then what is beyond the cap, oldest first; then the object store's too old. */
    public void enforce() {
        enforceOnDisk();
        if (archive != null) {
            enforceInArchive();
        }
    }

    /**
     * Deletes the files in the object store opened more than the retention ago (the size cap is the disk's: a
     * bucket's size is its owner's business, through its lifecycle rules). Every Host sharing the store does this;
     * deleting twice is harmless.
     */
    private void enforceInArchive() {
        Instant before = clock.instant().minus(keep);
        int deleted = 0;
        long freed = 0;
        for (List<RecordingStore.File> batch; !(batch = store.archivedBefore(before, 500)).isEmpty(); ) {
            for (RecordingStore.File f : batch) {
                try {
                    archive.delete(f.name());
                } catch (IOException e) {
                    log.warn("recordings: cannot delete {} from {}; trying again in an hour: {}", f.name(), archive,
                            e.getMessage());
                    report(deleted, freed);
                    return;
                }
                store.forget(f.session(), f.name());
                deleted++;
                freed += f.bytes() == null ? 0 : f.bytes();
            }
        }
        report(deleted, freed);
    }

    private void report(int deleted, long freed) {
        if (deleted > 0) {
            log.info("recordings: deleted {} file(s) older than {} days from {} ({} bytes)", deleted, keep.toDays(),
                    archive, freed);
            AuditLog.event("recordings_deleted").put("older_than_days", keep.toDays()).put("store",
                    archive.toString()).put("files", deleted).put("bytes", freed).write();
        }
    }

    private void enforceOnDisk() {
        List<Session> sessions = sessions();
        LocalDate oldest = LocalDate.ofInstant(clock.instant().minus(keep), ZoneOffset.UTC);
        Instant busy = clock.instant().minus(BUSY);
        long total = sessions.stream().mapToLong(Session::bytes).sum();
        int expired = 0;
        int overCap = 0;
        long freed = 0;
        for (Session s : sessions) {
            boolean old = s.day().isBefore(oldest);
            if (!old && total <= maxBytes) {
                break; // sessions are oldest first: nothing later is too old either
            }
            if (s.modified().isAfter(busy)) {
                continue;
            }
            delete(s);
            total -= s.bytes();
            freed += s.bytes();
            if (old) {
                expired++;
            } else {
                overCap++;
            }
        }
        if (expired + overCap > 0) {
            log.info("recordings: deleted {} session(s) older than {} days and {} more beyond the {} byte cap ({} "
                    + "bytes)", expired, keep.toDays(), overCap, maxBytes, freed);
            AuditLog.event("recordings_deleted").put("older_than_days", keep.toDays()).put("expired", expired)
                    .put("beyond_cap", overCap).put("bytes", freed).write();
        }
    }

    /** Every session directory ({@code yyyy/mm/dd/session}), the oldest day first. */
    private List<Session> sessions() {
        Path root = files.root();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Session> found = new ArrayList<>();
        try (Stream<Path> days = Files.find(root, 3, (p, a) -> a.isDirectory()
                && root.relativize(p).getNameCount() == 3)) {
            for (Path day : days.toList()) {
                LocalDate date = date(root.relativize(day));
                if (date == null) {
                    continue;
                }
                try (Stream<Path> dirs = Files.list(day)) {
                    for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                        found.add(measure(dir, date));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the recordings in " + root, e);
        }
        found.sort(Comparator.comparing(Session::day).thenComparing(Session::modified));
        return found;
    }

    private static LocalDate date(Path relative) {
        try {
            return LocalDate.of(Integer.parseInt(relative.getName(0).toString()),
                    Integer.parseInt(relative.getName(1).toString()), Integer.parseInt(relative.getName(2).toString()));
        } catch (RuntimeException notADay) {
            return null;
        }
    }

    private static Session measure(Path dir, LocalDate day) throws IOException {
        long bytes = 0;
        Instant modified = Instant.EPOCH;
        try (Stream<Path> in = Files.list(dir)) {
            for (Path f : in.toList()) {
                bytes += Files.size(f);
                Instant m = Files.getLastModifiedTime(f).toInstant();
                modified = m.isAfter(modified) ? m : modified;
            }
        }
        return new Session(dir, day, bytes, modified);
    }

    private void delete(Session s) {
        try (Stream<Path> in = Files.list(s.dir())) {
            for (Path f : in.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(s.dir());
        } catch (IOException e) {
            log.warn("recordings: cannot delete {}: {}", s.dir(), e.toString());
            return;
        }
        store.forget(s.dir().getFileName().toString());
    }
}

package dev.ferry.bastion.sessions;

import dev.ferry.bastion.DaemonThreads;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the Host's recordings on a thread of its own, so that no I/O thread ever waits for a disk. Each file being
 * recorded ({@link Track}) gathers what comes in memory, at most {@link #CHUNK} at a time; the writer compresses each
 * chunk as one gzip member and appends it, every {@link #FLUSH} or as soon as a chunk is full: a Host killed loses at
 * most the last second. What waits for the writer is bounded per file: past {@link #HOLD_BACK} its producer is told
 * to hold back (the bridge then holds the peer's window adjustments, which slows that channel and nothing else) and
 * told again when it may go on; past {@link #DROP} (a peer that ignores its window) what comes is left out and
 * counted. A file that cannot be written (a full or unwritable disk) fails: its producer is told why, once.
 */
public final class RecordingWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordingWriter.class);
    /** The most a file gathers before it is handed to the writer. */
    static final int CHUNK = 64 << 10;
    /** A file's first buffer: an idle terminal's recording holds no more than this. */
    private static final int FIRST_BUFFER = 1 << 10;
    /** Bytes of a file waiting for the writer past which its producer holds back. */
    static final long HOLD_BACK = 1 << 20;
    /** ... and beyond which what comes is left out. */
    static final long DROP = 8 << 20;
    /** How often what a file gathered is written, at the latest. */
    static final Duration FLUSH = Duration.ofSeconds(1);

    /** A file closed: its name, size and SHA-256 as written, and what was left out of it (bytes). */
    public record Closed(String name, long bytes, String sha256, long dropped, String failure) {
    }

    /** What a file's producer hears from the writer. */
    public interface Producer {
        /** The file has caught up after a hold-back: the producer may go on. */
        void drained();

        /** The file cannot be written (the sentence says why); nothing more of it will be. */
        void failed(String why);
    }

    private final RecordingFiles files;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(DaemonThreads.named("ferry-recorder"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("ferry-recorder-flush"));
    private final Set<Track> gathering = ConcurrentHashMap.newKeySet();
    /**
     * Why the last write failed, until a test write of a new file succeeds (an append to an existing file may still
     * fit in its last block of a full disk: it proves nothing for new sessions); null while writes succeed.
     */
    private volatile String failing;
    private volatile long probedAt = System.nanoTime() - 2 * FLUSH.toNanos();
    private final GzipMember gzip = new GzipMember();

    public RecordingWriter(RecordingFiles files) {
        this.files = files;
        timer.scheduleWithFixedDelay(this::flushAll, FLUSH.toMillis(), FLUSH.toMillis(), TimeUnit.MILLISECONDS);
    }

    public RecordingFiles files() {
        return files;
    }

    /**
     * Why recordings cannot be written now, or null when they can: the last write's failure, checked again with a
     * small write at most every {@link #FLUSH} (a disk freed meanwhile counts at once).
     */
    public String failing() {
        String why = failing;
        long now = System.nanoTime();
        if (why != null && now - probedAt > FLUSH.toNanos()) {
            probedAt = now;
            why = files.probe();
            failing = why;
        }
        return why;
    }

    /** A new file, {@code name} under the recordings' root; made on disk at its first write. */
    public Track open(String name, Producer producer) {
        return new Track(name, producer);
    }

    private void flushAll() {
        for (Track t : gathering) {
            t.handOff(false);
        }
    }

    /** One file being recorded. Its producer writes from any thread, one at a time. */
    public final class Track {
        private final String name;
        private final Producer producer;
        // the writer's own: the file as written
        private final MessageDigest digest = RecordingFiles.sha256();
        private long written;
        private String failure;
        // guarded by this
        private byte[] buffer;
        private int length;
        private long waiting;
        private long dropped;
        private boolean holdingBack;
        private boolean closed;
        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        private final ArrayDeque<Integer> lengths = new ArrayDeque<>();

        private Track(String name, Producer producer) {
            this.name = name;
            this.producer = producer;
        }

        public String name() {
            return name;
        }

        /**
         * Adds bytes to the file.
         *
         * @return whether the producer should hold back now (it hears {@link Producer#drained()} later)
         */
        public synchronized boolean write(byte[] b, int off, int n) {
            if (closed) {
                return false;
            }
            if (waiting + length + n > DROP) {
                dropped += n;
                return true;
            }
            while (n > 0) {
                if (buffer == null || length == buffer.length && buffer.length < CHUNK) {
                    buffer = buffer == null ? new byte[Math.min(CHUNK, Math.max(FIRST_BUFFER, n))]
                            : Arrays.copyOf(buffer, Math.min(CHUNK, buffer.length * 2));
                }
                int take = Math.min(n, buffer.length - length);
                System.arraycopy(b, off, buffer, length, take);
                length += take;
                off += take;
                n -= take;
                if (length == CHUNK) {
                    handOffLocked();
                }
            }
            gathering.add(this);
            if (waiting + length > HOLD_BACK && !holdingBack) {
                holdingBack = true;
            }
            return holdingBack;
        }

        /** Whether its producer should hold back now: more than {@link #HOLD_BACK} waits for the disk. */
        public synchronized boolean holdingBack() {
            return holdingBack;
        }

        /** Adds text to the file (UTF-8). */
        public boolean write(String text) {
            byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return write(b, 0, b.length);
        }

        private synchronized void handOff(boolean closing) {
            if (length > 0) {
                handOffLocked();
            }
            if (closing) {
                closed = true;
                writer.execute(this::drain);
            }
        }

        private void handOffLocked() {
            chunks.add(buffer);
            lengths.add(length);
            waiting += length;
            buffer = null;
            length = 0;
            gathering.remove(this);
            writer.execute(this::drain);
        }

        /** On the writer's thread: writes every chunk handed off so far. */
        private void drain() {
            while (true) {
                byte[] chunk;
                int n;
                synchronized (this) {
                    chunk = chunks.poll();
                    if (chunk == null) {
                        return;
                    }
                    n = lengths.poll();
                }
                if (failure == null) {
                    try {
                        gzip.compress(chunk, n);
                        files.append(name, gzip.bytes(), gzip.length());
                        digest.update(gzip.bytes(), 0, gzip.length());
                        written += gzip.length();
                    } catch (IOException | RuntimeException e) {
                        failure = "cannot write the recording " + files.path(name) + ": " + e.getMessage();
                        failing = failure;
                        log.warn("{}", failure);
                        producer.failed(failure);
                    }
                }
                boolean resume;
                synchronized (this) {
                    waiting -= n;
                    resume = holdingBack && waiting + length <= HOLD_BACK / 2;
                    if (resume) {
                        holdingBack = false;
                    }
                }
                if (resume) {
                    producer.drained();
                }
            }
        }

        /** Writes what is left and closes the file; {@code done} hears its digest on the writer's thread. */
        public void close(Consumer<Closed> done) {
            handOff(true);
            writer.execute(() -> {
                long left;
                synchronized (this) {
                    left = dropped;
                }
                done.accept(new Closed(name, written, HexFormat.of().formatHex(digest.digest()), left, failure));
            });
        }
    }

    /** Writes what every file gathered, then stops (a Host stopping cleanly). */
    @Override
    public void close() {
        timer.shutdownNow();
        flushAll();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("recordings still being written after 10 s: left as far as they got");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.shutdownNow();
        gzip.end();
    }
}

package dev.ferry.bastion.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Await;
import dev.ferry.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recording writer against real files: what it writes is one gzip stream, readable up to the last member; and a
 * disk that does not take the bytes (a FIFO nobody reads) makes the producer hold back, then leaves bytes out, instead
 * of holding them in memory.
 */
class RecordingWriterTest {
    @TempDir
    Path dir;

    private static final class Heard implements RecordingWriter.Producer {
        final AtomicInteger drained = new AtomicInteger();
        final AtomicReference<String> failure = new AtomicReference<>();

        @Override
        public void drained() {
            drained.incrementAndGet();
        }

        @Override
        public void failed(String why) {
            failure.set(why);
        }
    }

    @Test
    void aFileIsOneGzipStreamWithItsDigestAndACutLastMemberStillReadsUpToIt() throws Exception {
        RecordingFiles files = new RecordingFiles(dir);
        try (RecordingWriter writer = new RecordingWriter(files)) {
            RecordingWriter.Track track = writer.open("a/b.txt.gz", new Heard());
            byte[] line = "a line of terminal output\n".getBytes();
            for (int i = 0; i < 10_000; i++) {
                assertFalse(track.write(line, 0, line.length));
            }
            CompletableFuture<RecordingWriter.Closed> closed = new CompletableFuture<>();
            track.close(closed::complete);
            RecordingWriter.Closed c = closed.get();
            assertEquals(files.sha256("a/b.txt.gz"), c.sha256());
            assertEquals(Files.size(dir.resolve("a/b.txt.gz")), c.bytes());
            assertTrue(c.bytes() < 10_000L * line.length / 10, "compressed: " + c.bytes());
            assertEquals(0, c.dropped());
        }
        Processes.Result zcat = Processes.run(List.of("zcat", dir.resolve("a/b.txt.gz").toString()), new byte[0], 10);
        assertEquals(260_000, zcat.out().length(), "zcat reads every member");

        // a Host killed while writing a member leaves it cut: what came before reads, and says it was cut
        byte[] whole = Files.readAllBytes(dir.resolve("a/b.txt.gz"));
        Files.write(dir.resolve("cut.gz"), java.util.Arrays.copyOf(whole, whole.length - 20));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertFalse(new RecordingFiles(dir).copyTo("cut.gz", out), "cut short");
        assertTrue(out.size() > 200_000, "the complete members read: " + out.size());
    }

    @Test
    void aDiskThatTakesNothingHoldsTheProducerBackThenLeavesBytesOutNeverHoldingThem() throws Exception {
        Path fifo = Files.createDirectories(dir.resolve("slow")).resolve("t.cast.gz");
        Processes.run(List.of("mkfifo", fifo.toString()), new byte[0], 10).requireSuccess();
        RecordingFiles files = new RecordingFiles(dir);
        Heard heard = new Heard();
        RecordingWriter writer = new RecordingWriter(files);
        RecordingWriter.Track track = writer.open("slow/t.cast.gz", heard);
        byte[] chunk = new byte[32 << 10];
        new java.util.Random(7).nextBytes(chunk); // incompressible: what reaches the FIFO is what was written
        long written = 0;
        boolean held = false;
        while (written < 4 * RecordingWriter.DROP) {
            held = track.write(chunk, 0, chunk.length);
            written += chunk.length;
        }
        assertTrue(held, "the producer is told to hold back");
        assertTrue(track.holdingBack());

        // now the disk takes what waits (the writer opens the file for each member: a FIFO gives one member a read):
        // at most DROP bytes came through, the rest was left out, and the producer hears it may go on
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            while (!done.get()) {
                try (InputStream in = Files.newInputStream(fifo)) {
                    in.transferTo(all);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return all.toByteArray();
        });
        Await.until("the producer hears the file caught up", Duration.ofSeconds(20), () -> heard.drained.get() > 0);
        CompletableFuture<RecordingWriter.Closed> closed = new CompletableFuture<>();
        track.close(closed::complete);
        RecordingWriter.Closed c = closed.get();
        writer.close();
        done.set(true);
        Files.write(fifo, new byte[0]); // the reader's last open returns
        long through = new GZIPInputStream(new java.io.ByteArrayInputStream(read.get())).readAllBytes().length;
        assertTrue(through <= RecordingWriter.DROP + RecordingWriter.CHUNK, "bounded: " + through);
        assertEquals(written, through + c.dropped(), "every byte is either written or counted as left out");
        assertTrue(c.dropped() > 0);
    }
}

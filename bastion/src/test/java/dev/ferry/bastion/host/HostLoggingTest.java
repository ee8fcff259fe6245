package dev.ferry.bastion.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Host's log files roll over by size as well as by day: a flood of lines cannot grow one file without end. */
class HostLoggingTest {
    @Test
    void aLogFileRollsOverAtItsSize(@TempDir Path dir) throws Exception {
        long size = 64 * 1024;
        HostLogging.init(dir, size);
        try {
            Logger log = LoggerFactory.getLogger(HostLoggingTest.class);
            String line = "x".repeat(200);
            for (int i = 0; i < 5_000; i++) { // about 1 MiB
                log.info("{} {}", i, line);
            }
        } finally {
            HostLogging.init(dir.resolve("after")); // let go of the files before they are read
        }
        List<Path> rolled;
        try (Stream<Path> files = Files.list(dir)) {
            rolled = files.filter(p -> p.getFileName().toString().matches("ferry-host-\\d{4}-\\d\\d-\\d\\d-\\d+\\.log\\.gz"))
                    .toList();
        }
        assertTrue(rolled.size() >= 10, "rolled files: " + rolled);
        long current = Files.size(dir.resolve("ferry-host.log"));
        assertTrue(current <= size + 1024, "the current file holds at most about one size: " + current);
    }
}

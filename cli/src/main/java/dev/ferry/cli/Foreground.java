package dev.ferry.cli;

import dev.ferry.bastion.host.HostLogging;
import java.util.concurrent.CountDownLatch;

/** Keeps a long-running command in the foreground until SIGTERM/SIGINT, then stops it cleanly. */
final class Foreground {
    private Foreground() {
    }

    /** Blocks; on a signal runs {@code stop}, flushes the logs and lets the JVM exit. */
    static void runUntilSignal(Runnable stop) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop.run();
            } finally {
                HostLogging.shutdown();
                stopped.countDown();
            }
        }, "ferry-shutdown"));
        stopped.await();
    }
}

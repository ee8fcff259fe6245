package dev.ferry.bastion.ssh;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that sends every keepalive of the bastion (to users, and in plain mode to VPS sshds). Unlike
 * MINA's own timer (a ScheduledThreadPoolExecutor without remove-on-cancel), a cancelled keepalive leaves its
 * queue at once: there, each closed connection's task, and through it the whole session, stays queued until its
 * next turn, up to one keepalive interval after the close.
 */
public final class KeepaliveClock {
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "ferry-keepalive");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private KeepaliveClock() {
    }

    /** Runs {@code task} every {@code millis}, first after one interval; cancel the future when the connection ends. */
    public static ScheduledFuture<?> every(long millis, Runnable task) {
        return TIMER.scheduleAtFixedRate(task, millis, millis, TimeUnit.MILLISECONDS);
    }
}

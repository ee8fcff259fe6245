package dev.ferry.bastion.ssh;

import dev.ferry.bastion.DaemonThreads;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer thread of the bastion's SSH side: every keepalive (to users, and in plain mode to VPS sshds),
 * every outgoing connect's deadline and every forward's first-byte deadline. Its tasks are instant. Unlike MINA's
 * own timer (a ScheduledThreadPoolExecutor without remove-on-cancel), a cancelled task leaves the queue at once:
 * there, each closed connection's task, and through it the whole session, stays queued until its turn, up to one
 * keepalive interval or deadline after the close.
 */
public final class SshTimer {
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1,
            DaemonThreads.named("ferry-ssh-timer"));

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private SshTimer() {
    }

    /** Runs {@code task} every {@code millis}, first after one interval; cancel the future when the connection ends. */
    public static ScheduledFuture<?> every(long millis, Runnable task) {
        return TIMER.scheduleAtFixedRate(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code task} once, {@code millis} from now; cancel the future when what it guards ends first. */
    public static ScheduledFuture<?> after(long millis, Runnable task) {
        return TIMER.schedule(task, millis, TimeUnit.MILLISECONDS);
    }
}

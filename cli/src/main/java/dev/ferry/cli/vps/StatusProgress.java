package dev.ferry.cli.vps;

import dev.ferry.api.VpsView;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a waited-for VPS's status changes as they happen, with how long the status before lasted, on the
 * user's terminal:
 * <pre>
 * vps-7323718749301768192 (web): pending
 * vps-7323718749301768192 (web): assigning (pending 0.4 s)
 * vps-7323718749301768192 (web): running (assigning 3.1 s; 3.5 s in all)
 * vps-7323718749301768192 (web): host certificate installed (0.9 s after running; 4.4 s in all)
 * </pre>
 * Piped or captured, the command prints its answer only: {@link #NONE} shows nothing.
 */
class StatusProgress {
    static final StatusProgress NONE = new StatusProgress(null);

    private final PrintWriter err;
    private final long start = System.nanoTime();
    /** The status last shown, and when it was first seen; null before the first poll. */
    private String status;
    private long since;
    /** It has been seen running without its certificate: the certificate's arrival is news. */
    private boolean awaitingCertificate;

    private StatusProgress(PrintWriter err) {
        this.err = err;
    }

    /** Progress on {@code err} when the command runs on a terminal, else none. */
    static StatusProgress of(PrintWriter err, boolean terminal) {
        return terminal ? new StatusProgress(err) : NONE;
    }

    /** The VPS as a poll saw it: a new status, or a host certificate newly served, is shown. */
    void seen(VpsView v) {
        if (err == null) {
            return;
        }
        long now = System.nanoTime();
        String label = v.sshUser() + (v.name() == null ? "" : " (" + v.name() + ")");
        if (status == null) {
            err.println(label + ": " + v.status());
            status = v.status();
            since = start;
        } else if (!v.status().equals(status)) {
            err.println(label + ": " + v.status() + " (" + status + " " + seconds(now - since)
                    + (since == start ? "" : "; " + seconds(now - start) + " in all") + ")");
            status = v.status();
            since = now;
        }
        boolean running = "running".equals(v.status());
        if (running && Boolean.FALSE.equals(v.hostCertified())) {
            awaitingCertificate = true;
        } else if (running && awaitingCertificate && Boolean.TRUE.equals(v.hostCertified())) {
            awaitingCertificate = false;
            err.println(label + ": host certificate installed (" + seconds(now - since) + " after running; "
                    + seconds(now - start) + " in all)");
        }
        err.flush();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}

package dev.ferry.cli.vps;

import dev.ferry.api.VpsView;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.client.ApiClient;
import java.time.Duration;

/** Polls a VPS until it reaches a status or has failed, showing each poll to a {@link StatusProgress}. */
final class VpsWait {
    private static final long POLL_MILLIS = 500;
    /**
     * How long a new VPS that runs is waited for to serve its host certificate: its runner installs it a moment
     * after it reported the host key (a heartbeat or two). Past this, {@code create --wait} returns and says so.
     */
    static final Duration CERTIFICATE_WAIT = Duration.ofSeconds(30);

    private VpsWait() {
    }

    /**
     * Until it is running and serves its host certificate (without one, a client that checks certificates
     * refuses it), or has failed (which the caller reports). A VPS that runs is returned without its certificate
     * after {@link #CERTIFICATE_WAIT}; {@link #awaitsCertificate} tells.
     */
    static VpsView until(ApiClient api, String id, Duration timeout, StatusProgress progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long runningSince = 0;
        while (true) {
            VpsView v = get(api, id, progress);
            if ("failed".equals(v.status())) {
                return v;
            }
            if ("running".equals(v.status())) {
                if (runningSince == 0) {
                    runningSince = System.nanoTime();
                }
                if (!awaitsCertificate(v) || System.nanoTime() - runningSince > CERTIFICATE_WAIT.toNanos()) {
                    return v;
                }
            } else {
                runningSince = 0;
            }
            if (System.nanoTime() > deadline) {
                throw stillWaiting(v, "running", timeout);
            }
            pause();
        }
    }

    /** What {@code --wait} says of a VPS returned without its certificate ({@link #awaitsCertificate}). */
    static String certificateNote(VpsView v) {
        return "note: " + v.sshUser() + " does not serve its host certificate yet (" + CERTIFICATE_WAIT.toSeconds()
                + " s after it started to run): ssh with StrictHostKeyChecking yes and the lines of ferry known-hosts "
                + "refuses it until then; see its runner's log if that lasts";
    }

    /** Whether a running VPS has a host key its runner is still to serve a certificate for. */
    static boolean awaitsCertificate(VpsView v) {
        return "running".equals(v.status()) && v.hostKey() != null && Boolean.FALSE.equals(v.hostCertified());
    }

    /**
     * Until it is {@code status}, and for "running" until it serves its host certificate too (as {@link #until}:
     * a restart, a start or a resume of a VPS whose container was made anew brings new host keys); a failure on
     * the way is thrown with its reason.
     *
     * @param leaveFirst the status is that already, and the action passes through another one first (a restart
     *                   of a running VPS: the Host says "running" until the runner's next report, and the stop
     *                   half and the start each take a heartbeat, many polls)
     */
    static VpsView untilStatus(ApiClient api, String id, String status, boolean leaveFirst, Duration timeout,
                               StatusProgress progress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean left = !leaveFirst;
        long reachedAt = 0;
        while (true) {
            VpsView v = get(api, id, progress);
            left |= !status.equals(v.status());
            if (left && status.equals(v.status())) {
                reachedAt = reachedAt == 0 ? System.nanoTime() : reachedAt;
                if (!awaitsCertificate(v) || System.nanoTime() - reachedAt > CERTIFICATE_WAIT.toNanos()) {
                    return v;
                }
            } else {
                reachedAt = 0;
            }
            if ("failed".equals(v.status())) {
                throw new FerryException(FerryException.Kind.INTERNAL, v.sshUser() + " failed: " + v.lastError());
            }
            if (System.nanoTime() > deadline) {
                throw stillWaiting(v, status, timeout);
            }
            pause();
        }
    }

    private static VpsView get(ApiClient api, String id, StatusProgress progress) {
        VpsView v = ApiClient.as(api.get("/api/v1/vps/" + id), VpsView.class);
        progress.seen(v);
        return v;
    }

    /** Between two looks. */
    static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "interrupted while waiting");
        }
    }

    private static FerryException stillWaiting(VpsView v, String status, Duration timeout) {
        return new FerryException(FerryException.Kind.UNAVAILABLE, v.sshUser() + " is still " + v.status()
                + " after " + timeout.toSeconds() + " s (waiting for " + status + "); watch it with: ferry vps status "
                + v.id());
    }
}

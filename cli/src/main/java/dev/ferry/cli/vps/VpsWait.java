package dev.ferry.cli.vps;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.api.VpsView;
import dev.ferry.cli.client.ApiClient;
import java.time.Duration;

/** Polls a VPS until it reaches a status or has failed. */
final class VpsWait {
    private static final long POLL_MILLIS = 500;

    private VpsWait() {
    }

    /** Until it is running or has failed (which the caller reports). */
    static VpsView until(ApiClient api, String id, Duration timeout) {
        return poll(api, id, "running", false, timeout, true);
    }

    /**
     * Until it is {@code status}; a failure on the way is thrown with its reason.
     *
     * @param leaveFirst the status is that already, and the action passes through another one first (a restart
     *                   of a running VPS: the Host says "running" until the runner's next report, and the stop
     *                   half and the start each take a heartbeat, many polls)
     */
    static VpsView untilStatus(ApiClient api, String id, String status, boolean leaveFirst, Duration timeout) {
        return poll(api, id, status, leaveFirst, timeout, false);
    }

    private static VpsView poll(ApiClient api, String id, String status, boolean leaveFirst, Duration timeout,
                                boolean failedIsAnAnswer) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean left = !leaveFirst;
        VpsView v;
        do {
            v = ApiClient.as(api.get("/api/v1/vps/" + id), VpsView.class);
            left |= !status.equals(v.status());
            if (left && status.equals(v.status())) {
                return v;
            }
            if ("failed".equals(v.status())) {
                if (failedIsAnAnswer) {
                    return v;
                }
                throw new FerryException(FerryException.Kind.INTERNAL, v.sshUser() + " failed: " + v.lastError());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        throw new FerryException(FerryException.Kind.UNAVAILABLE, "vps-" + id + " is still " + v.status() + " after "
                + timeout.toSeconds() + " s (waiting for " + status + "); watch it with: ferry vps status " + id);
    }
}

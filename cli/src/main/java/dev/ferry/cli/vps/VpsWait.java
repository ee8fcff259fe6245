package dev.ferry.cli.vps;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.api.VpsView;
import dev.ferry.cli.client.ApiClient;
import java.time.Duration;

/** Polls a VPS until it is running or has failed. */
final class VpsWait {
    private VpsWait() {
    }

    static VpsView until(ApiClient api, String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        VpsView v;
        do {
            v = ApiClient.as(api.get("/api/v1/vps/" + id), VpsView.class);
            if ("running".equals(v.status()) || "failed".equals(v.status())) {
                return v;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        } while (System.nanoTime() < deadline);
        throw new FerryException(FerryException.Kind.UNAVAILABLE, "vps-" + id + " is still " + v.status() + " after "
                + timeout.toSeconds() + " s; watch it with: ferry vps status " + id);
    }
}

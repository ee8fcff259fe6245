package dev.ferry.bastion.fleet;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What one runner report means for one VPS: its status, published endpoint and error.
 *
 * @param status   the VPS's status now
 * @param endpoint where its sshd is published, or null
 * @param error    the sentence for the user, or null
 */
record Observed(VpsStatus status, Endpoint endpoint, String error) {

    /**
     * @param state the reported state ({@link ContainerState#MISSING} when the runner did not report the VPS)
     * @param r     the report, or null when there was none
     */
    static Observed of(Runner runner, Vps v, ContainerState state, ContainerReport r, Instant now) {
        Placement p = v.placement();
        if (r != null && r.sshPort() != null && !runner.enrollment().publishesOn(r.sshPort())) {
            return new Observed(VpsStatus.FAILED, null, outOfRange(runner, r.sshPort()));
        }
        Endpoint published = r != null && r.sshPort() != null ? new Endpoint(runner.address(), r.sshPort()) : null;
        return switch (state) {
            case FAILED -> new Observed(VpsStatus.FAILED, null,
                    r.error() == null ? "the runner reported a failure without a reason" : r.error());
            case RUNNING -> {
                if (r.sshReady() && published != null) {
                    yield new Observed(p.restarting() ? VpsStatus.ASSIGNING : VpsStatus.RUNNING, published, null);
                }
                if (v.status() == VpsStatus.RUNNING) {
                    yield new Observed(VpsStatus.RUNNING, published, "its sshd did not answer on " + published
                            + " at the runner's last check (" + now.truncatedTo(ChronoUnit.SECONDS) + ")");
                }
                yield new Observed(VpsStatus.ASSIGNING, published, null);
            }
            case PAUSED -> new Observed(VpsStatus.PAUSED, published, null);
            case STOPPED, MISSING -> p.toldToRunner() == TargetState.STOPPED
                    ? new Observed(VpsStatus.STOPPED, null, null)
                    : new Observed(VpsStatus.ASSIGNING, null, null);
            // starting, or a word of a newer runner: still being set up
            case STARTING, UNKNOWN -> new Observed(VpsStatus.ASSIGNING, published, null);
        };
    }

    /** A published port outside the runner's enrolled range is never dialed. */
    static String outOfRange(Runner runner, int port) {
        return "its runner " + runner.name() + " reported its sshd on port " + port + ", outside the ports the runner "
                + "enrolled with (" + runner.enrollment().portRange() + "): not used; see the runner's configuration "
                + "(--port-range)";
    }
}

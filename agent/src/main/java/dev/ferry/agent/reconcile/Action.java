package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ManagedContainer;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;

import java.util.List;
import java.util.Objects;

/**
 * The one next step that brings a VPS container closer to what the Host wants. Deciding is kept apart from
 * doing so that the decision can be made on a snapshot, cheaply, and made again on fresh data before acting.
 */
enum Action {
    NONE, CREATE, START, RUN_STEP, PAUSE, UNPAUSE, STOP, REMOVE;

    /**
     * @param d       what the Host wants
     * @param c       the container now, or null when there is none
     * @param failure the VPS's standing failure, or null
     * @param step    the last successful start-up step in this VPS's container, or null
     * @param userCaKeys the user CA keys the Host wants every VPS sshd to trust
     */
    static Action plan(DesiredVps d, ManagedContainer c, Ledger.Failure failure, Ledger.StepDone step,
                       List<String> userCaKeys) {
        DesiredState want = d.state();
        if (want == DesiredState.REMOVED) {
            return c == null ? NONE : REMOVE;
        }
        if (want == DesiredState.STOPPED) {
            return c != null && !c.isDown() && !"removing".equals(c.status()) ? STOP : NONE;
        }
        if (want != DesiredState.RUNNING && want != DesiredState.PAUSED) {
            return NONE; // a state this runner does not know: leave the container as it is
        }
        if (failure != null) {
            // Reported as failed until the Host asks for something else, and nothing of it left running.
            return c != null && (c.isRunning() || c.isPaused() || c.isRestarting()) ? STOP : NONE;
        }
        if (c == null) {
            return CREATE;
        }
        if (c.isDown()) {
            return START;
        }
        if (c.isPaused()) {
            return want == DesiredState.RUNNING ? UNPAUSE : NONE;
        }
        if (c.isRunning()) {
            // The step goes first even for a VPS to be paused, so that it answers at once when resumed.
            if (stepNeeded(d, c, step, userCaKeys)) {
                return RUN_STEP;
            }
            return want == DesiredState.PAUSED ? PAUSE : NONE;
        }
        return NONE; // restarting or removing: Docker is busy with it, look again next time
    }

    /**
     * The step runs once per start of the container (StartedAt), and again when the keys change: the VPS's
     * authorized keys (root's and other login users'), the user CA keys (a new CA must reach sshd before the
     * bastion signs with it) or the host certificate (a renamed VPS, a re-created container's new key), and the
     * VPS's name (its host name inside).
     */
    static boolean stepNeeded(DesiredVps d, ManagedContainer c, Ledger.StepDone step, List<String> userCaKeys) {
        return step == null || !step.containerId().equals(c.id()) || !Objects.equals(step.startedAt(), c.startedAt())
                || step.keysHash() != keysHash(d, userCaKeys);
    }

    static int keysHash(DesiredVps d, List<String> userCaKeys) {
        return Objects.hash(d.authorizedKeys(), d.loginKeys(), userCaKeys, d.hostCertificate(), Converger.hostname(d),
                d.clientCaKey(), d.certificateLogins());
    }
}

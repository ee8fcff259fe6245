package dev.ferry.bastion.fleet;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsStatus;
import java.util.Locale;
import java.util.Set;

/** What {@code ferry vps stop|restart|pause|resume} may do from each status, and what they ask of the runner. */
public enum VpsAction {
    STOP(Set.of(VpsStatus.RUNNING, VpsStatus.PAUSED, VpsStatus.ASSIGNING, VpsStatus.PENDING, VpsStatus.LOST,
            VpsStatus.FAILED), "a VPS that is not stopped yet"),
    RESTART(Set.of(VpsStatus.RUNNING, VpsStatus.PAUSED, VpsStatus.STOPPED, VpsStatus.FAILED, VpsStatus.LOST),
            "a running, paused, stopped, failed or lost VPS"),
    PAUSE(Set.of(VpsStatus.RUNNING), "a running VPS"),
    RESUME(Set.of(VpsStatus.PAUSED), "a paused VPS");

    private final Set<VpsStatus> from;
    private final String allowedFrom;

    VpsAction(Set<VpsStatus> from, String allowedFrom) {
        this.from = from;
        this.allowedFrom = allowedFrom;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static VpsAction fromWord(String word) {
        for (VpsAction t : values()) {
            if (t.word().equals(word)) {
                return t;
            }
        }
        throw FerryException.invalid("unknown action '" + word + "'; use stop, restart, pause or resume");
    }

    /** The placement after this action, or a conflict naming the current status. */
    public Placement apply(Vps v) {
        if (!v.onRunner()) {
            throw FerryException.conflict(v.label() + " is an external VPS (an sshd Ferry does not run): Ferry "
                    + "cannot " + word() + " it");
        }
        VpsStatus asked = pending(v);
        if (!from.contains(asked == null ? v.status() : asked)) {
            throw FerryException.conflict(v.label() + " is " + v.status()
                    + (asked == null ? "" : " and already asked to be " + asked) + "; only " + allowedFrom
                    + " can be " + pastTense());
        }
        Placement p = v.placement();
        return switch (this) {
            case STOP -> p.wanting(TargetState.STOPPED, false);
            case PAUSE -> p.wanting(TargetState.PAUSED, false);
            case RESUME -> p.wanting(TargetState.RUNNING, false);
            case RESTART -> p.wanting(TargetState.RUNNING, v.status() != VpsStatus.STOPPED);
        };
    }

    /**
     * The status a VPS was asked to reach and has not reached yet (a pause, resume or stop between two
     * heartbeats), or null: actions are checked against it, so a pause can be undone at once and a second
     * stop is refused rather than repeated.
     */
    private static VpsStatus pending(Vps v) {
        VpsStatus wanted = switch (v.placement().desired()) {
            case PAUSED -> VpsStatus.PAUSED;
            case STOPPED -> VpsStatus.STOPPED;
            default -> null;
        };
        if (v.placement().desired() == TargetState.RUNNING && v.status() == VpsStatus.PAUSED) {
            wanted = VpsStatus.RUNNING;
        }
        return wanted == null || wanted == v.status() ? null : wanted;
    }

    private String pastTense() {
        return switch (this) {
            case STOP -> "stopped";
            case RESTART -> "restarted";
            case PAUSE -> "paused";
            case RESUME -> "resumed";
        };
    }
}

package dev.ferry.bastion.vps;

import java.util.Locale;

/**
 * The state the Host wants a runner-backed VPS's container in (the state it is in is its {@link VpsStatus}); its
 * runner is told it in the runner protocol's words ({@code dev.ferry.protocol.DesiredState}).
 */
public enum TargetState {
    RUNNING, PAUSED, STOPPED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TargetState fromWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}

package dev.ferry.bastion.vps;

import java.util.Locale;

/** The state the Host wants a runner-backed VPS's container in. */
public enum DesiredState {
    RUNNING, PAUSED, STOPPED;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DesiredState fromWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}

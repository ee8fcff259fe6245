package dev.ferry.bastion.vps;

import java.util.Locale;

/** Lifecycle states of a VPS (DESIGN.md, VPS lifecycle); shown to users as the lower-case word. */
public enum VpsStatus {
    PENDING, ASSIGNING, RUNNING, PAUSED, STOPPED, FAILED, LOST;

    /** The word users see and JSON carries: {@code running}, {@code paused}, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the lower-case word; the registry stores statuses this way. */
    public static VpsStatus fromWord(String word) {
        for (VpsStatus s : values()) {
            if (s.word().equals(word)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown VPS status '" + word + "'");
    }

    @Override
    public String toString() {
        return word();
    }
}

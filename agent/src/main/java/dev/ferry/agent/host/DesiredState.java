package dev.ferry.agent.host;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What the Host wants of a VPS container (protocol v1 words). */
public enum DesiredState {
    RUNNING,
    PAUSED,
    STOPPED,
    REMOVED,
    /** A word this runner does not know (a newer Host): the container is left as it is. */
    UNKNOWN;

    /** Lenient on purpose: a newer Host's word must not make the whole answer unreadable. */
    @JsonCreator
    public static DesiredState of(String word) {
        if (word == null) {
            return UNKNOWN;
        }
        try {
            return valueOf(word.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    /** @return the protocol word, e.g. {@code running} */
    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}

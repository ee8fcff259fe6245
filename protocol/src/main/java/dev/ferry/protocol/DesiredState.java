package dev.ferry.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What the Host wants of a VPS container. */
public enum DesiredState {
    /** Running, with sshd answering. */
    RUNNING,
    /** Frozen ({@code docker pause}), after its start-up step ran. */
    PAUSED,
    /** Stopped; the container is kept. */
    STOPPED,
    /** Removed, as if the VPS were not listed. */
    REMOVED,
    /** A word this runner does not know (a newer Host): the container is left as it is. */
    UNKNOWN;

    /** Lenient on purpose: a newer Host's word must not make the whole answer unreadable. */
    @JsonCreator
    public static DesiredState of(String word) {
        return Words.parse(DesiredState.class, word, UNKNOWN);
    }

    /** @return the protocol word, e.g. {@code running} */
    @JsonValue
    public String word() {
        return Words.word(this);
    }
}

package dev.ferry.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The state of a VPS container as a heartbeat reports it. */
public enum ContainerState {
    /** Running, and its sshd answered with an SSH banner on the published port. */
    RUNNING,
    /** Frozen by {@code docker pause}. */
    PAUSED,
    /** Not running: stopped, exited, or not created because the VPS is meant to be stopped. */
    STOPPED,
    /** Created or running, but sshd has not answered yet. */
    STARTING,
    /** It cannot run: the report's error says why (image without sshd, image not available...). */
    FAILED,
    /** The Host wants it, but there is no container for it (yet): the runner will create one. */
    MISSING,
    /** A word this side does not know (a newer runner): the Host takes the VPS as still being set up. */
    UNKNOWN;

    /** Lenient on purpose: a newer runner's word must not make the whole heartbeat unreadable. */
    @JsonCreator
    public static ContainerState of(String word) {
        return Words.parse(ContainerState.class, word, UNKNOWN);
    }

    /** @return the protocol word, e.g. {@code running} */
    @JsonValue
    public String word() {
        return Words.word(this);
    }
}

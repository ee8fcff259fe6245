package dev.ferry.agent.host;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The state of a VPS container as a heartbeat reports it (protocol v1 words). */
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
    MISSING;

    /** @return the protocol word, e.g. {@code running} */
    @JsonValue
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}

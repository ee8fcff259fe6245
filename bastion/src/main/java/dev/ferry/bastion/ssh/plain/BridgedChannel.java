package dev.ferry.bastion.ssh.plain;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One channel relayed between the user and the container. The bastion uses one id of its own for it on
 * both connections ({@link #local}); the peers' ids are learnt from the open and its confirmation. It is
 * forgotten once both sides have sent their close, as each end of an SSH channel does.
 */
final class BridgedChannel {
    /** No peer id known yet. */
    static final long UNKNOWN = -1;

    final long local;
    final String type;
    /** What the log calls it: the type, plus the target of a forward. */
    final String label;
    /** Whether the user opened it (else the container did: forwarded-tcpip, agent, X11). */
    final boolean fromUser;
    volatile long userId = UNKNOWN;
    volatile long upstreamId = UNKNOWN;
    private boolean closedByUser;
    private boolean closedByUpstream;
    private boolean lost;
    final AtomicLong toVps = new AtomicLong();
    final AtomicLong fromVps = new AtomicLong();
    /** Window the user granted the container that waits for the channel's recording to catch up; guarded by this. */
    long heldWindow;
    /** Counted among the open channels of the metrics (it was confirmed both ways): counted down once. */
    boolean counted;
    private final long startNanos = System.nanoTime();
    final Instant openedAt = Instant.now();
    /** What it is for, as the live list names it: from its type, then (a session channel) from its request. */
    private volatile String kind;
    /** A forward's target, a command, a subsystem's name: what the live list says of it besides its pty. */
    private volatile String what;
    /** The terminal type of the pty asked for it, or null: none was. */
    private volatile String term;
    /** The pty's size, {@code 80x24}, as it was asked for or changed since. */
    private volatile String size;

    /** @param target what a forward reaches, for the live list; "" for a session */
    BridgedChannel(long local, String type, String label, boolean fromUser, String target) {
        this.local = local;
        this.type = type;
        this.label = label;
        this.fromUser = fromUser;
        this.kind = kindOf(type);
        this.what = target;
    }

    /** The live list's word for a channel type. */
    static String kindOf(String type) {
        return switch (type) {
            case "direct-tcpip", "direct-streamlocal@openssh.com" -> "forward";
            case "forwarded-tcpip", "forwarded-streamlocal@openssh.com" -> "remote-forward";
            case "auth-agent@openssh.com" -> "agent";
            default -> type; // session, x11
        };
    }

    /** A request the user sent on it: a session channel learns what it is for, a pty its size. */
    void asked(ChannelRequest r) {
        switch (r.name()) {
            case "pty-req" -> {
                size = r.number() + "x" + r.rows();
                term = r.text();
            }
            case "window-change" -> size = r.number() + "x" + r.rows();
            case "shell" -> kind = "shell";
            case "exec" -> {
                what = r.text();
                kind = "exec";
            }
            case "subsystem" -> {
                what = r.text().equals("sftp") ? "" : r.text();
                kind = r.text().equals("sftp") ? "sftp" : "subsystem";
            }
            default -> {
            }
        }
    }

    String kind() {
        return kind;
    }

    /** What the live list says of it: a forward's target, a command, a pty and its size. */
    String detail() {
        String p = term == null ? null : term + " " + size;
        return switch (kind) {
            case "shell" -> p == null ? "no pty" : "pty " + p;
            case "session" -> p == null ? "" : "pty " + p;
            case "exec" -> what + (p == null ? "" : " (pty " + p + ")");
            default -> what;
        };
    }

    /** Whether the user may answer its open now: the container opened it and the user has not answered yet. */
    boolean awaitsUser() {
        return !fromUser && userId == UNKNOWN;
    }

    /** Whether the container may answer its open now: the user opened it and the container has not answered yet. */
    boolean awaitsContainer() {
        return fromUser && upstreamId == UNKNOWN;
    }

    /** Records the user's close; true when the channel is now closed on both sides. */
    synchronized boolean userClosed() {
        closedByUser = true;
        return closedByUpstream;
    }

    /** Records the container's close; true when the channel is now closed on both sides. */
    synchronized boolean upstreamClosed() {
        closedByUpstream = true;
        return closedByUser;
    }

    synchronized boolean isClosedByUpstream() {
        return closedByUpstream;
    }

    /** The bastion's connection to the container ended: nothing more goes there for this channel. */
    synchronized void lose() {
        lost = true;
    }

    synchronized boolean isLost() {
        return lost;
    }

    long millis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}

package dev.ferry.bastion.ssh.plain;

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
    /** Counted among the open channels of the metrics (it was confirmed both ways): counted down once. */
    boolean counted;
    private final long startNanos = System.nanoTime();

    BridgedChannel(long local, String type, String label, boolean fromUser) {
        this.local = local;
        this.type = type;
        this.label = label;
        this.fromUser = fromUser;
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

package dev.ferry.bastion.ssh;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a session's ended channels carried, and which modes it has used: with its open channels' figures, the live
 * list's totals. Channels end on any thread.
 */
public final class SessionTraffic {
    private final AtomicLong toVps = new AtomicLong();
    private final AtomicLong fromVps = new AtomicLong();
    private volatile boolean plain;
    private volatile boolean jump;

    /** A channel ended having carried these bytes. */
    public void ended(long bytesToVps, long bytesFromVps) {
        toVps.addAndGet(bytesToVps);
        fromVps.addAndGet(bytesFromVps);
    }

    /** A channel of plain mode (bridged into the VPS) opened. */
    public void plain() {
        plain = true;
    }

    /** A ProxyJump forward to a VPS's sshd opened. */
    public void jump() {
        jump = true;
    }

    long endedToVps() {
        return toVps.get();
    }

    long endedFromVps() {
        return fromVps.get();
    }

    /** Whether a channel of plain mode has opened. */
    public boolean usedPlain() {
        return plain;
    }

    /** {@code plain}, {@code jump}, {@code plain+jump}, or {@code none} before a channel opened. */
    String mode() {
        return plain && jump ? "plain+jump" : plain ? "plain" : jump ? "jump" : "none";
    }
}

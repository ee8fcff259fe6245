package dev.ferry.bastion.ssh.plain;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Stops reading one side while too much waits to be written to the other. SSH windows bound what a
 * well-behaved peer sends, but the tenant controls both ends of a bridge: a container that ignores the
 * user's window while the user stops reading its socket (or the reverse) would otherwise pile the
 * difference up in the Host's heap. With this, the excess waits in the sender's own socket buffers.
 */
final class Backpressure {
    /** Bytes waiting for the destination's socket before the source is no longer read. */
    static final long HIGH = 4L << 20;
    /** ... and once drained below this, it is read again. */
    static final long LOW = 1L << 20;

    private final Supplier<IoSession> source;
    private long queued;
    private boolean suspended;

    /** @param source the session whose reads produce the writes (may give null when it is gone) */
    Backpressure(Supplier<IoSession> source) {
        this.source = source;
    }

    /** Writes one packet to {@code to}, counting it until the socket has taken it. */
    void write(Session to, Buffer packet) throws IOException {
        long len = packet.available();
        IoWriteFuture written = to.writePacket(packet);
        IoSession stop = null;
        synchronized (this) {
            queued += len;
            if (queued > HIGH && !suspended) {
                suspended = true;
                stop = source.get();
            }
        }
        if (stop != null) {
            stop.suspendRead();
        }
        written.addListener(f -> drained(len));
    }

    private void drained(long len) {
        IoSession resume = null;
        synchronized (this) {
            queued -= len;
            if (suspended && queued < LOW) {
                suspended = false;
                resume = source.get();
            }
        }
        if (resume != null) {
            resume.resumeRead();
        }
    }

    /** Bytes waiting now, for tests and logs. */
    synchronized long queued() {
        return queued;
    }
}

package dev.ferry.bastion.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousSocketChannel;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.io.nio2.Nio2Service;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection (to a user or to a VPS's sshd) whose queued writes are bounded. MINA queues every write without
 * limit; a peer that sends and never reads could make the Host queue its replies for ever (the security review:
 * one unauthenticated client made one connection hold 57,819 queued SSH_MSG_UNIMPLEMENTED replies, a container
 * sshd flooding channel opens grew the heap by 11 MB per 16,000 refusals). Here every byte queued towards the
 * peer counts, whatever wrote it (the Host's replies, MINA's, relayed data): past {@link #HIGH} the peer is no
 * longer read, so it cannot ask for more, and once the queue drains below {@link #LOW} it is read again. What a
 * peer that is no longer read can still have queued towards it comes from elsewhere (the other side of a relay,
 * held back by its own flow control); past {@link #LIMIT} the connection is closed, with a log line.
 *
 * <p>Reads suspended for flow control elsewhere ({@code Backpressure}, MINA's forwarding) compose with this:
 * the connection is read only when neither wants it stopped.
 */
final class BoundedSession extends AdaptiveReadSession {
    private static final Logger log = LoggerFactory.getLogger(BoundedSession.class);
    /**
     * Queued bytes past which the peer is no longer read: two full SSH windows of OpenSSH's (2 MiB each), so that
     * a fast transfer to a client that reads is never held up by it.
     */
    static final long HIGH = 4L << 20;
    /** ... and read again once the queue is below this. */
    static final long LOW = 1L << 20;
    /** Queued bytes past which the connection is closed. */
    static final long LIMIT = 32L << 20;
    /**
     * What a queued write holds besides its bytes (MINA's write future, the queue's node, the buffer object, its
     * listener): counted too, so that many tiny replies (48 bytes each) weigh what they cost.
     */
    static final long PER_WRITE = 160;

    private final Object lock = new Object();
    private long queued;
    private boolean full;
    private boolean suspendedElsewhere;
    private boolean closing;

    BoundedSession(Nio2Service service, PropertyResolver resolver, IoHandler handler,
                   AsynchronousSocketChannel socket, SocketAddress acceptance) throws IOException {
        super(service, resolver, handler, socket, acceptance);
    }

    @Override
    public IoWriteFuture writeBuffer(Buffer buffer) throws IOException {
        long len = Math.max(buffer.available(), buffer.capacity()) + PER_WRITE;
        long now;
        boolean close = false;
        synchronized (lock) {
            queued += len;
            now = queued;
            if (queued > LIMIT && !closing) {
                closing = true;
                close = true;
            }
            if (queued > HIGH && !full) {
                full = true;
                // under the lock, so that a resume from elsewhere cannot slip in between; MINA's suspend only sets
                // a flag and its resume hands the read to an executor: no handler code runs here
                super.suspendRead();
            }
        }
        if (close) {
            log.warn("connection with {} closed: {} bytes wait to be written to it (at most {}) and it does not "
                    + "read them", getRemoteAddress(), now, LIMIT);
            close(true);
        }
        IoWriteFuture written = super.writeBuffer(buffer);
        written.addListener(f -> drained(len));
        return written;
    }

    private void drained(long len) {
        synchronized (lock) {
            queued -= len;
            if (full && queued < LOW) {
                full = false;
                if (!suspendedElsewhere) {
                    super.resumeRead();
                }
            }
        }
    }

    @Override
    public void suspendRead() {
        synchronized (lock) {
            suspendedElsewhere = true;
            super.suspendRead();
        }
    }

    @Override
    public void resumeRead() {
        synchronized (lock) {
            suspendedElsewhere = false;
            if (!full) { // else the peer still has too much waiting for it: it is read once that drained
                super.resumeRead();
            }
        }
    }

    /** Bytes queued to be written now. */
    long queued() {
        synchronized (lock) {
            return queued;
        }
    }
}

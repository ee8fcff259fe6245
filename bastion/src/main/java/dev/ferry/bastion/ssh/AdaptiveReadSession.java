package dev.ferry.bastion.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.nio2.Nio2CompletionHandler;
import org.apache.sshd.common.io.nio2.Nio2Service;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.util.Readable;

/**
 * A connection read into a small buffer while it is quiet and a large one while it is busy, as Netty's adaptive
 * receive buffers. Each connection holds its read buffer for its whole life, waiting for the next bytes, and most of
 * a Host's connections are idle: they keep {@link Sockets#READ_BUFFER_BYTES}. A connection whose read fills that
 * buffer has more waiting (a transfer): it is read {@link #BUSY_BYTES} at a time, a 32 KiB SSH packet in one read
 * instead of four, each of which is a round through MINA's I/O threads (the profile of plain mode's benchmark: the
 * Host spent most of its time there, not in its ciphers). A read of less than the small buffer (a keystroke, a
 * keepalive) brings it back to the small one.
 */
class AdaptiveReadSession extends Nio2Session {
    /** A busy connection's read buffer. */
    static final int BUSY_BYTES = 64 * 1024;

    /** The size of the next read's buffer. */
    private volatile int next = Sockets.READ_BUFFER_BYTES;

    AdaptiveReadSession(Nio2Service service, PropertyResolver resolver, IoHandler handler,
                        AsynchronousSocketChannel socket, SocketAddress acceptance) throws IOException {
        super(service, resolver, handler, socket, acceptance);
    }

    @Override
    protected void handleReadCycleCompletion(ByteBuffer buffer, Readable reader,
                                             Nio2CompletionHandler<Integer, Object> handler, Integer read,
                                             Object attachment) {
        // decided before MINA hands the bytes on and reads again (doReadCycle, below)
        if (read != null && read == buffer.capacity()) {
            next = BUSY_BYTES;
        } else if (read != null && read >= 0 && read < Sockets.READ_BUFFER_BYTES) {
            next = Sockets.READ_BUFFER_BYTES;
        }
        super.handleReadCycleCompletion(buffer, reader, handler, read, attachment);
    }

    @Override
    protected void doReadCycle(ByteBuffer buffer, Nio2CompletionHandler<Integer, Object> completion) {
        int size = next;
        if (buffer.capacity() != size) {
            ByteBuffer other = ByteBuffer.allocate(size);
            // MINA makes the completion handler of a new buffer and comes back here with both
            super.doReadCycle(other, Readable.readable(other));
            return;
        }
        super.doReadCycle(buffer, completion);
    }
}

package dev.ferry.bastion.ssh;

import dev.ferry.bastion.ssh.frontdoor.AdmissionGate;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.Factory;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.future.CancelFuture;
import org.apache.sshd.common.io.DefaultIoConnectFuture;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnectFuture;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2Connector;
import org.apache.sshd.common.io.nio2.Nio2Service;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * MINA's NIO2 transport as the bastion runs it, for its listener and for its connections to VPS: the
 * {@link AdmissionGate} in front of every accepted connection, outgoing connects that no thread waits for, and
 * connections whose queued writes are bounded ({@link BoundedSession}).
 *
 * <p>MINA's own connector gives each connect a thread of its "resume" pool, which waits until the VPS answers or
 * the connect timeout passes. With MINA's fixed pool (the I/O threads' count) a few unreachable VPS, a runner
 * that died say, stall every other jump and plain login, and every read waiting to resume, until they time out;
 * with a cached pool the threads grow with the connects in flight. Here a connect completes on the I/O threads
 * like a read, its deadline is a task on {@link SshTimer} that closes the socket, and the resume pool keeps its
 * fixed size and only resumes reads, which take no time.
 */
public final class Transport extends Nio2ServiceFactory {
    /** Every accepted connection passes it first; none for a client. */
    private final AdmissionGate gate;
    private final CloseableExecutorService resuming;
    private final AsynchronousChannelGroup group;

    private Transport(FactoryManager manager, CloseableExecutorService resuming, AdmissionGate gate) {
        super(manager, null, resuming);
        this.gate = gate;
        this.resuming = resuming;
        this.group = channelGroup();
    }

    /** The transport of a server whose accepted connections pass {@code gate}. */
    static IoServiceFactoryFactory gated(AdmissionGate gate) {
        return new Maker(gate);
    }

    /** The transport of a client (plain mode's connections to VPS). */
    public static IoServiceFactoryFactory outgoing() {
        return new Maker(null);
    }

    @Override
    public IoConnector createConnector(IoHandler handler) {
        return autowireCreatedService(new Connector(handler));
    }

    @Override
    public Nio2Session createSession(Nio2Service service, IoHandler handler, AsynchronousSocketChannel socket,
                                     SocketAddress address) throws Throwable {
        if (gate != null && service instanceof IoAcceptor && !gate.admits(socket)) {
            socket.close();
            // MINA's acceptor logs this at debug only and goes on accepting
            throw new IOException("refused at the front door");
        }
        return new BoundedSession(service, getFactoryManager(), handler, socket, address);
    }

    /** MINA keeps its I/O threads' channel group to itself, and a connector must open its sockets in it. */
    private AsynchronousChannelGroup channelGroup() {
        try {
            Field field = Nio2ServiceFactory.class.getDeclaredField("group");
            field.setAccessible(true);
            return (AsynchronousChannelGroup) field.get(this);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("this MINA version keeps no channel group in Nio2ServiceFactory.group; "
                    + "Transport must follow it", e);
        }
    }

    /**
     * Connects as MINA's connector does, but with a completion handler and a timer instead of a waiting thread.
     * Closing it gives up its connects still under way (a forward's connector is closed with its channel, when its
     * user left say): MINA's would wait on until they ended.
     */
    private final class Connector extends Nio2Connector {
        private final Set<IoConnectFuture> underWay = ConcurrentHashMap.newKeySet();

        Connector(IoHandler handler) {
            super(Transport.this, Transport.this.getFactoryManager(), handler, Transport.this.group,
                    Transport.this.resuming);
        }

        @Override
        public IoConnectFuture connect(SocketAddress address, AttributeRepository context,
                                       SocketAddress localAddress) {
            IoConnectFuture future = new DefaultIoConnectFuture(address, null);
            AsynchronousSocketChannel socket = null;
            try {
                socket = openAsynchronousSocketChannel(address, getChannelGroup());
                setSocketOptions(socket);
                if (localAddress != null) {
                    socket.bind(localAddress);
                }
            } catch (IOException | RuntimeException e) {
                Attempt.closeQuietly(socket);
                future.setException(e);
                return future;
            }
            Attempt attempt = new Attempt(future, socket, createConnectionCompletionHandler(future, socket, context,
                    propertyResolver, getIoHandler()));
            Duration timeout = CoreModuleProperties.IO_CONNECT_TIMEOUT.getRequired(propertyResolver);
            // armed before the connect, so that whichever outcome comes first finds it and cancels it
            if (!timeout.isZero() && !timeout.isNegative()) {
                attempt.deadline = SshTimer.after(timeout.toMillis(), () -> attempt.timedOut(timeout.toMillis()));
            }
            underWay.add(future);
            future.addListener(f -> {
                underWay.remove(f);
                if (f.isCanceled()) {
                    attempt.givenUp();
                }
            });
            try {
                socket.connect(address, null, attempt);
            } catch (RuntimeException e) {
                attempt.failed(e, null); // an address it cannot take (unresolved, of another family)
            }
            return future;
        }

        @Override
        protected Closeable getInnerCloseable() {
            return builder().run(toString(), () -> underWay.forEach(IoConnectFuture::cancel))
                    .close(super.getInnerCloseable()).build();
        }
    }

    /**
     * One connect under way. Exactly one of its ends counts: the VPS answered, refused, the deadline passed, or
     * whoever asked gave up; the first one cancels the deadline, so a finished connect holds nothing on the timer.
     */
    private static final class Attempt implements CompletionHandler<Void, Void> {
        private final IoConnectFuture future;
        private final AsynchronousSocketChannel socket;
        /** MINA's: makes the session of a connected socket, or reports the failure, on {@link #future}. */
        private final CompletionHandler<Void, Object> outcome;
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile ScheduledFuture<?> deadline;

        Attempt(IoConnectFuture future, AsynchronousSocketChannel socket, CompletionHandler<Void, Object> outcome) {
            this.future = future;
            this.socket = socket;
            this.outcome = outcome;
        }

        @Override
        public void completed(Void result, Void nothing) {
            if (end()) {
                try {
                    outcome.completed(null, null);
                } catch (CancellationException meanwhile) {
                    // given up, or the connector closed, while the session was being made: MINA closed the session;
                    // the future ends as cancelled, and its cancel as done (as MINA's connector does)
                    CancelFuture cancellation = future.cancel();
                    if (cancellation != null) {
                        cancellation.setCanceled(meanwhile);
                    }
                }
            }
        }

        @Override
        public void failed(Throwable problem, Void nothing) {
            if (end()) {
                closeQuietly(socket); // the JDK closes it when the connect fails, but not when connect() throws
                outcome.failed(problem, null);
            }
        }

        void timedOut(long millis) {
            if (end()) {
                closeQuietly(socket);
                // worded like MINA's own time-out, which DialFailure recognises
                outcome.failed(new ConnectException("I/O connection time-out of " + millis + "ms expired"), null);
            }
        }

        void givenUp() {
            if (end()) {
                closeQuietly(socket);
                future.getCancellation().setCanceled();
            }
        }

        private boolean end() {
            if (!ended.compareAndSet(false, true)) {
                return false;
            }
            ScheduledFuture<?> d = deadline;
            if (d != null) {
                d.cancel(false);
            }
            return true;
        }

        static void closeQuietly(AsynchronousSocketChannel socket) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // it is being given up either way
                }
            }
        }
    }

    private record Maker(AdmissionGate gate) implements IoServiceFactoryFactory {
        @Override
        public IoServiceFactory create(FactoryManager manager) {
            // MINA's size: as many threads as the I/O pool, busy only for the instant of resuming a read
            return new Transport(manager, ThreadUtils.newFixedThreadPool("ferry-nio2-resume",
                    getNioWorkers(manager)), gate);
        }

        @Override
        public void setExecutorServiceFactory(Factory<CloseableExecutorService> factory) {
            // the I/O pool stays MINA's default and the resume pool is this transport's own
        }
    }
}

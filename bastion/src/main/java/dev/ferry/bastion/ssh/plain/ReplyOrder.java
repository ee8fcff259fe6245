package dev.ferry.bastion.ssh.plain;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;

/**
 * Replies to a client's global requests leave in the order the requests came (RFC 4254 4: the client
 * matches them by order alone), even when some are answered at once by the bastion and others wait
 * for the container. Each request that wants a reply takes a slot; slots are sent once all before them are.
 */
public final class ReplyOrder {
    /** One reply to come: {@code success} and its payload once known. */
    public static final class Slot {
        private boolean done;
        private boolean success;
        private byte[] payload;

        /** Whether the request succeeded. */
        public boolean success() {
            return success;
        }

        /** What the success reply carries (the port a forward of port 0 got), else empty. */
        public byte[] payload() {
            return payload;
        }
    }

    /**
     * Replies one connection may have waiting: a forward the container has not answered yet holds every later
     * reply (the security review held 30,000); an honest client has a few forwards under way at once.
     */
    static final int MAX_WAITING = 1024;

    private final Deque<Slot> waiting = new ArrayDeque<>();
    private final Consumer<Slot> send;

    /** @param send writes one reply to the client; called in order, under this object's lock */
    public ReplyOrder(Consumer<Slot> send) {
        this.send = send;
    }

    /**
     * Reserves the place of the next reply.
     *
     * @throws SshException (a disconnect) when {@link #MAX_WAITING} replies wait already: a client that asks on
     *                      while one forward waits for the container would otherwise hold a slot per request
     */
    public synchronized Slot reserve() throws SshException {
        if (waiting.size() >= MAX_WAITING) {
            throw new SshException(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, "ferry: " + MAX_WAITING
                    + " global requests wait for their replies on this connection; closing it");
        }
        Slot s = new Slot();
        waiting.addLast(s);
        return s;
    }

    /** Fills a slot and sends every reply that no longer waits for an earlier one. */
    public synchronized void complete(Slot slot, boolean success, byte[] payload) {
        slot.done = true;
        slot.success = success;
        slot.payload = payload == null ? new byte[0] : payload;
        while (!waiting.isEmpty() && waiting.peekFirst().done) {
            send.accept(waiting.removeFirst());
        }
    }
}

package dev.ferry.bastion.ssh.plain;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

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

    private final Deque<Slot> waiting = new ArrayDeque<>();
    private final Consumer<Slot> send;

    /** @param send writes one reply to the client; called in order, under this object's lock */
    public ReplyOrder(Consumer<Slot> send) {
        this.send = send;
    }

    /** Reserves the place of the next reply. */
    public synchronized Slot reserve() {
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

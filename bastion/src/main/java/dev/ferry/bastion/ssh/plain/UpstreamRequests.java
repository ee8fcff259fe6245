package dev.ferry.bastion.ssh.plain;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * The global requests the bridge sends the container (the user's forwards, its own keepalives) and who gets each
 * reply: SSH answers global requests in the order they were sent, so each reply goes to the oldest waiting. What
 * waits is bounded by its senders (forwards by {@link BridgedConnection#MAX_PENDING_REQUESTS}, keepalives by their
 * allowed misses).
 */
final class UpstreamRequests {
    private final Deque<BiConsumer<Boolean, byte[]>> waiting = new ArrayDeque<>();
    private final BridgeWire wire;

    UpstreamRequests(BridgeWire wire) {
        this.wire = wire;
    }

    /** Sends a global request upstream; its reply (success or not, and its payload) goes to {@code onReply}. */
    void send(ClientSession up, Buffer request, BiConsumer<Boolean, byte[]> onReply) throws IOException {
        // the reply's owner is queued in the order the requests leave
        synchronized (waiting) {
            if (onReply != null) {
                waiting.addLast(onReply);
            }
            wire.write(up, request);
        }
    }

    /** The container answers the oldest request still waiting. */
    void reply(int cmd, Buffer buffer) {
        BiConsumer<Boolean, byte[]> who;
        synchronized (waiting) {
            who = waiting.pollFirst();
        }
        if (who != null) {
            byte[] payload = new byte[buffer.available()];
            buffer.getRawBytes(payload);
            who.accept(cmd == SshConstants.SSH_MSG_REQUEST_SUCCESS, payload);
        }
    }

    /** The container's connection ended: every request still waiting is refused. */
    void failAll() {
        List<BiConsumer<Boolean, byte[]>> unanswered;
        synchronized (waiting) {
            unanswered = new ArrayList<>(waiting);
            waiting.clear();
        }
        unanswered.forEach(r -> r.accept(false, new byte[0]));
    }
}

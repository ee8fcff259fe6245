package dev.ferry.bastion.ssh.plain;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * The packets the bridge writes, to the user or to the container: channel messages under the receiving side's id,
 * with the rest of each message as it came. Every packet is counted against reading the other side
 * ({@link Backpressure}), so what waits for a slow or stopped reader stays bounded.
 */
final class BridgeWire {
    private final Session user;
    /** Writes to the container, counted against reading the user. */
    private final Backpressure toContainer;
    /** Writes to the user, counted against reading the container. */
    private final Backpressure toUser;

    /** @param upstream the container connection's I/O session (null while there is none) */
    BridgeWire(Session user, Supplier<IoSession> upstream) {
        this.user = user;
        this.toContainer = new Backpressure(user::getIoSession);
        this.toUser = new Backpressure(upstream);
    }

    /** Opens a channel on {@code to} under the bastion's id, with the type's own data as it came. */
    void open(Session to, String type, long local, long window, long maxPacket, byte[] data, int off, int len)
            throws IOException {
        Buffer out = to.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN, len + 64);
        out.putString(type);
        out.putUInt(local);
        out.putUInt(window);
        out.putUInt(maxPacket);
        out.putRawBytes(data, off, len);
        write(to, out);
    }

    /** Refuses the channel {@code to}'s side opened as {@code recipient}, with the reason its client shows. */
    void refuse(Session to, long recipient, BridgeFailure why) {
        try {
            Buffer out = to.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN_FAILURE, why.text().length() + 32);
            out.putUInt(recipient);
            out.putUInt(why.code());
            out.putString(why.text());
            out.putString("");
            write(to, out);
        } catch (IOException e) {
            to.exceptionCaught(e);
        }
    }

    /** Passes an open confirmation on: the peer's id, the bastion's, then window and packet size as they came. */
    void confirm(Session to, long recipient, long local, Buffer rest) throws IOException {
        Buffer out = to.createBuffer(SshConstants.SSH_MSG_CHANNEL_OPEN_CONFIRMATION, rest.available() + 16);
        out.putUInt(recipient);
        out.putUInt(local);
        out.putRawBytes(rest.array(), rest.rpos(), rest.available());
        write(to, out);
    }

    /** Writes {@code cmd} for {@code recipient} with the rest of {@code rest} (from its read position), if any. */
    void send(Session to, int cmd, long recipient, Buffer rest) throws IOException {
        int len = rest == null ? 0 : rest.available();
        Buffer out = to.createBuffer((byte) cmd, len + 8);
        out.putUInt(recipient);
        if (len > 0) {
            out.putRawBytes(rest.array(), rest.rpos(), len);
        }
        write(to, out);
    }

    /** Every packet the bridge sends goes through here. */
    void write(Session to, Buffer packet) throws IOException {
        (to == user ? toUser : toContainer).write(to, packet);
    }
}

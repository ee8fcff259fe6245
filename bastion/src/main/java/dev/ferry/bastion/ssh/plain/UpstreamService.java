package dev.ferry.bastion.ssh.plain;

import java.io.IOException;
import org.apache.sshd.client.session.AbstractClientSession;
import org.apache.sshd.client.session.ClientConnectionService;
import org.apache.sshd.client.session.ClientConnectionServiceFactory;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * The connection service of the bastion's connection to a container's sshd. It has no channels of its own:
 * every channel message, channel open and global reply goes to the {@link BridgedConnection} that made the
 * connection. Global requests from sshd (its keepalives, host key announcements) are answered by MINA.
 */
final class UpstreamService extends ClientConnectionService {
    private final BridgedConnection bridge;

    private UpstreamService(AbstractClientSession session) throws IOException {
        super(session);
        this.bridge = session.getConnectionContext().getAttribute(UpstreamConnector.BRIDGE);
    }

    @Override
    public void process(int cmd, Buffer buffer) throws Exception {
        if (cmd >= SshConstants.SSH_MSG_CHANNEL_OPEN_CONFIRMATION && cmd <= SshConstants.SSH_MSG_CHANNEL_FAILURE) {
            bridge.fromUpstream(cmd, buffer);
        } else if (cmd == SshConstants.SSH_MSG_CHANNEL_OPEN) {
            bridge.openFromUpstream(buffer);
        } else if (cmd == SshConstants.SSH_MSG_REQUEST_SUCCESS || cmd == SshConstants.SSH_MSG_REQUEST_FAILURE) {
            bridge.replyFromUpstream(cmd, buffer);
        } else {
            super.process(cmd, buffer);
        }
    }

    /** MINA logs each at WARN: a container can send them at will, so they are logged at a bounded rate. */
    @Override
    protected IoWriteFuture handleUnknownRequest(Buffer buffer, String req, boolean wantReply) throws IOException {
        bridge.unknownRequestFromUpstream(req);
        return sendGlobalResponse(buffer, req, RequestHandler.Result.Unsupported, wantReply);
    }

    /** Installs {@link UpstreamService} as the client's connection service. */
    static final class Factory extends ClientConnectionServiceFactory {
        @Override
        public Service create(Session session) throws IOException {
            return new UpstreamService((AbstractClientSession) session);
        }
    }
}

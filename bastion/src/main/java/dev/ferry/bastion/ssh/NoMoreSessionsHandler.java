package dev.ferry.bastion.ssh;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.helpers.AbstractConnectionServiceRequestHandler;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * {@code no-more-sessions@openssh.com}: after it, no new session channel opens, but direct-tcpip still
 * does (VS Code Remote-SSH relies on that). MINA's own handler would block every channel type.
 */
final class NoMoreSessionsHandler extends AbstractConnectionServiceRequestHandler {
    static final AttributeKey<Boolean> NO_MORE_SESSIONS = new AttributeKey<>();

    @Override
    public Result process(ConnectionService service, String request, boolean wantReply, Buffer buffer)
            throws Exception {
        if (!request.startsWith("no-more-sessions@")) {
            return super.process(service, request, wantReply, buffer);
        }
        service.getSession().setAttribute(NO_MORE_SESSIONS, Boolean.TRUE);
        return Result.ReplyFailure;
    }
}

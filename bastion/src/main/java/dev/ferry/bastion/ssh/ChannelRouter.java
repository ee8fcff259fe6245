package dev.ferry.bastion.ssh;

import dev.ferry.bastion.vps.Endpoint;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what each channel a client opens becomes: a direct-tcpip channel dialing a VPS (the only
 * thing the bastion dials), or a refusal whose sentence the client prints. No channel ever runs
 * anything on the bastion itself.
 */
final class ChannelRouter {
    private static final Logger log = LoggerFactory.getLogger(ChannelRouter.class);

    /** Endpoints this session's routing has approved; the forwarding filter allows only these. */
    static final AttributeKey<Set<Endpoint>> APPROVED = new AttributeKey<>();

    private final ForwardRules rules;

    ChannelRouter(ForwardRules rules) {
        this.rules = rules;
    }

    /**
     * @param buffer positioned at the channel type's own data (for direct-tcpip: host, port, originator)
     * @throws SshChannelOpenException with the reason code and the sentence the client shows
     */
    Channel route(Session session, String type, Buffer buffer) throws SshChannelOpenException {
        SessionInfo info = SessionInfo.of(session);
        if (info == null) {
            throw refuse(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, "not authenticated");
        }
        switch (type) {
            case "direct-tcpip":
                return directTcpip(session, info, buffer);
            case "session":
                if (Boolean.TRUE.equals(session.getAttribute(NoMoreSessionsHandler.NO_MORE_SESSIONS))) {
                    throw refuse(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
                            "no more sessions on this connection: the client asked for that (no-more-sessions)");
                }
                log.info("{} session channel refused: plain mode is not served yet", info.context());
                throw refuse(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, plainModeAdvice(info));
            default:
                log.info("{} {} channel refused", info.context(), ForwardRules.printable(type));
                throw refuse(SshConstants.SSH_OPEN_UNKNOWN_CHANNEL_TYPE,
                        "the bastion does not open '" + ForwardRules.printable(type) + "' channels");
        }
    }

    private Channel directTcpip(Session session, SessionInfo info, Buffer buffer) throws SshChannelOpenException {
        String host = buffer.getString();
        int port = (int) Math.min(buffer.getUInt(), Integer.MAX_VALUE);
        String requested = ForwardRules.printable(Endpoint.hostPort(host, port));
        ForwardDecision decision = rules.decide(info.login(), info.fingerprint(), host, port);
        if (decision instanceof ForwardDecision.Refuse refuse) {
            log.info("{} forward {} refused: {}", info.context(), requested, refuse.reason());
            throw refuse(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, refuse.reason());
        }
        ForwardDecision.Dial dial = (ForwardDecision.Dial) decision;
        session.computeAttributeIfAbsent(APPROVED, k -> ConcurrentHashMap.newKeySet()).add(dial.vps().endpoint());
        return new VpsDialChannel(dial.vps(), info, requested);
    }

    private static String plainModeAdvice(SessionInfo info) {
        String target = info.login() instanceof Login.ToVps v ? "vps-" + v.ref() : "vps-<id>";
        String user = info.login() instanceof Login.ToVps v ? v.vpsUser() : Login.DEFAULT_VPS_USER;
        String jumpUser = info.login() instanceof Login.ToVps ? target : Login.JUMP_USER;
        return "this bastion does not give shells yet (plain mode comes later); reach the VPS with ProxyJump: "
                + "ssh -J " + jumpUser + "@<bastion>:<port> " + user + "@" + target;
    }

    private static SshChannelOpenException refuse(int code, String text) {
        return new SshChannelOpenException(0, code, text);
    }
}

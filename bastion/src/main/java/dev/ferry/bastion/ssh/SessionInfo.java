package dev.ferry.bastion.ssh;

import dev.ferry.bastion.log.AuditLog;
import dev.ferry.bastion.sessions.SessionRecorder;
import dev.ferry.bastion.ssh.route.Login;
import java.net.InetSocketAddress;
import java.time.Instant;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/**
 * What the bastion knows about one SSH session once its key is proven: the log context every line of
 * the session carries (DESIGN/STYLE: session id, user, client address) plus the key's fingerprint.
 *
 * @param tag         short session id for logs, {@code s<n>}
 * @param client      the client's address
 * @param login       what the user name asked for, as admitted: a {@code vps-<ref>} login bound to its VPS
 * @param user        the user name as sent (already validated, so safe to log)
 * @param fingerprint SHA256 fingerprint of the proven key
 * @param since       when the key was proven
 * @param reachedAt   the bastion's address the client connected to, which refusals name in the commands they
 *                    suggest; null when unknown
 * @param traffic     what its ended channels carried, for the live list
 */
public record SessionInfo(String tag, String client, Login login, String user, String fingerprint, Instant since,
                          InetSocketAddress reachedAt, SessionTraffic traffic) {
    /** Set on the session when authentication succeeds. */
    public static final AttributeKey<SessionInfo> KEY = new AttributeKey<>();
    /** Set by the authenticator when it accepts a key: the login as admitted, bound to its VPS. */
    public static final AttributeKey<Login> ADMITTED = new AttributeKey<>();
    /**
     * What routing knows the admitted key by, set with {@link #ADMITTED}: its fingerprint, or a certified person's
     * credential ({@link dev.ferry.bastion.people.ClientCa#credential}).
     */
    public static final AttributeKey<String> CREDENTIAL = new AttributeKey<>();
    /** Set when the session is created, before authentication. */
    public static final AttributeKey<String> TAG = new AttributeKey<>();
    /** How many keys the client proved and were refused, for the line logged when a session ends unauthenticated. */
    public static final AttributeKey<Integer> KEYS_TRIED = new AttributeKey<>();
    /** The user name of the last refused attempt, printable and cut short, for that same line. */
    public static final AttributeKey<String> USER_TRIED = new AttributeKey<>();

    public static SessionInfo of(Session session) {
        return session.getAttribute(KEY);
    }

    /** An audit event of this session: its id, user name, client and key, then the event's own fields. */
    public AuditLog.Event audit(String event) {
        AuditLog.Event e = AuditLog.event(event).put("session", tag).put("user", user).put("client", client)
                .put("key", fingerprint);
        return via() == null ? e : e.put("via", via());
    }

    /** What let its key in: {@code VPS key}, or the person and why ({@code alice (grant)}); null for the jump user. */
    public String via() {
        return login instanceof Login.ToVps v ? v.via() : login instanceof Login.Jump j ? j.via() : null;
    }

    /** Who this session is, as its recording names it. */
    public SessionRecorder.Subject subject() {
        Login.ToVps vps = login instanceof Login.ToVps v ? v : null;
        return new SessionRecorder.Subject(tag, user, fingerprint, client, vps == null ? null
                : Long.toString(vps.vpsId()), vps == null ? null : vps.describe(), vps == null ? null : vps.vpsUser(),
                null);
    }

    /** The prefix of every log line of this session. */
    public String context() {
        return tag + " " + user + " from " + client;
    }
}

package dev.ferry.bastion.ssh.frontdoor;

import dev.ferry.bastion.Tally;
import dev.ferry.bastion.ssh.SessionInfo;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps logged-in connections per key and in all: one leaked or looping key cannot take every slot, and the
 * bastion's memory stays bounded. A connection over a cap is disconnected right after its login, with a sentence
 * the client prints ({@code Received disconnect from ...: 11: ferry: ...}).
 */
final class SessionCaps implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(SessionCaps.class);
    /** The key fingerprint a logged-in connection counts against. */
    private static final AttributeKey<String> COUNTED = new AttributeKey<>();

    private final int perKey;
    private final int total;
    private final Tally<String> counted = new Tally<>();

    SessionCaps(int perKey, int total) {
        this.perKey = perKey;
        this.total = total;
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated) {
            return;
        }
        SessionInfo info = SessionInfo.of(session); // set by SessionAudit, which listens first
        if (info == null) {
            return;
        }
        int withKey = counted.add(info.fingerprint());
        int everywhere = counted.total();
        session.setAttribute(COUNTED, info.fingerprint());
        String why = withKey > perKey ? "key " + info.fingerprint() + " holds " + perKey + " connections to the "
                + "bastion already (max_sessions_per_key); close some, or share one with ControlMaster"
                : everywhere > total ? "the bastion holds its most connections (" + total + ", max_sessions); try "
                + "again later" : null;
        if (why != null) {
            log.warn("{} disconnected: {}", info.context(), why);
            // after the login's answer has gone out: a disconnect written from inside the login event goes out
            // ahead of it, in the wrong order of the stream's encryption, and the client sees a corrupted MAC
            CompletableFuture.runAsync(() -> {
                try {
                    session.disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS, "ferry: " + why);
                } catch (IOException | RuntimeException e) {
                    session.close(true);
                }
            }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        }
    }

    @Override
    public void sessionClosed(Session session) {
        String key = session.removeAttribute(COUNTED);
        if (key != null) {
            counted.remove(key);
        }
    }
}

package dev.ferry.bastion.ssh.auth;

import dev.ferry.bastion.ssh.SessionInfo;
import dev.ferry.bastion.ssh.route.Login;
import dev.ferry.bastion.ssh.route.Routing;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a key for {@code vps-<ref>} when it is one of that VPS's stored keys, and for {@code jump}
 * when some VPS holds it. An unsigned query is answered yes for every supported key ({@link BlindKeyQuery}):
 * the decision is made on the signed request only, once its signature holds, with one indexed registry lookup on
 * MINA's I/O thread.
 * Every refusal looks the same to the client: "Permission denied (publickey)".
 */
public final class BastionAuthenticator implements PublickeyAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(BastionAuthenticator.class);

    private final Routing routing;

    public BastionAuthenticator(Routing routing) {
        this.routing = routing;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        String fingerprint;
        try {
            fingerprint = SshPublicKey.of(key, "").fingerprint();
        } catch (KeyFormatException unsupported) {
            return false;
        }
        if (BlindKeyQuery.isQuery(session)) {
            return true; // decided when the client proves it holds the key
        }
        Optional<Login> login = Login.parse(username);
        if (login.isEmpty()) {
            return false;
        }
        Optional<Login> admitted;
        try {
            admitted = routing.admit(login.get(), fingerprint);
        } catch (RuntimeException e) {
            log.error("{} key lookup failed; refusing the key", session.getAttribute(SessionInfo.TAG), e);
            return false;
        }
        if (admitted.isEmpty()) {
            if (log.isDebugEnabled()) {
                log.debug("{} key {} not accepted for {}", session.getAttribute(SessionInfo.TAG), fingerprint,
                        login.get().describe());
            }
            return false;
        }
        // the last key MINA accepts is the session's: its login, bound to the VPS it names now, goes with it
        session.setAttribute(SessionInfo.ADMITTED, admitted.get());
        return true;
    }
}

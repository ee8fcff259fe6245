package dev.ferry.bastion.ssh.auth;

import dev.ferry.bastion.Text;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.ssh.SessionInfo;
import dev.ferry.bastion.ssh.route.Login;
import dev.ferry.bastion.ssh.route.Routing;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Optional;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a key for {@code vps-<ref>} when it is one of that VPS's stored keys, and for {@code jump}
 * when some VPS holds it. An unsigned query is answered yes for every supported key ({@link BlindKeyQuery}):
 * the decision is made on the signed request only, once its signature holds, with one indexed registry lookup on
 * MINA's I/O thread.
 * A certificate from the client CA (SSO) is taken as the person it names, with no key of theirs on record.
 * Every refusal looks the same to the client: "Permission denied (publickey)".
 */
public final class BastionAuthenticator implements PublickeyAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(BastionAuthenticator.class);

    private final Routing routing;
    private final ClientCa clientCa;
    private final Clock clock;

    /** @param clientCa the CA whose certificates let people in (SSO), or null to take no certificate */
    public BastionAuthenticator(Routing routing, ClientCa clientCa, Clock clock) {
        this.routing = routing;
        this.clientCa = clientCa;
        this.clock = clock;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        if (BlindKeyQuery.isQuery(session)) {
            // decided when the client proves it holds the key; a certificate only where the Host takes them
            return key instanceof OpenSshCertificate ? clientCa != null : credential(key, session) != null;
        }
        String fingerprint = credential(key, session);
        if (fingerprint == null) {
            return false;
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
        session.setAttribute(SessionInfo.CREDENTIAL, fingerprint);
        return true;
    }

    /**
     * What routing knows the key by: its fingerprint, or for a certificate from the client CA the person it names
     * ({@link ClientCa#credential}); null for a key or certificate that lets in nobody.
     */
    private String credential(PublicKey key, ServerSession session) {
        if (key instanceof OpenSshCertificate cert) {
            Optional<String> person = clientCa == null ? Optional.empty() : clientCa.person(cert, clock.instant());
            if (person.isEmpty()) {
                log.info("{} certificate {} refused: not a valid one of this Host's client CA for one person",
                        session.getAttribute(SessionInfo.TAG), Text.printable(cert.getId(), 80));
            }
            return person.map(p -> ClientCa.credential(cert, p)).orElse(null);
        }
        try {
            return SshPublicKey.of(key, "").fingerprint();
        } catch (KeyFormatException unsupported) {
            return null;
        }
    }
}

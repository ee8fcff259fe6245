package dev.ferry.bastion.ssh.auth;

import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key authentication that answers a client's unsigned "would you accept this key?" query with yes
 * for every supported key, and decides only on the signed request. Otherwise anyone holding a user's
 * public key (they are public) could learn which VPS names exist and hold it, before proving anything
 * (DESIGN, Authentication). The cost: a client signs once per key it offers, as it would after a yes.
 */
public final class BlindKeyQuery extends UserAuthPublicKey {
    /** Set for the duration of each public-key request: true when it carries no signature. */
    static final AttributeKey<Boolean> QUERY = new AttributeKey<>();

    public static final UserAuthPublicKeyFactory FACTORY = new UserAuthPublicKeyFactory() {
        @Override
        public UserAuthPublicKey createUserAuth(ServerSession session) {
            return new BlindKeyQuery();
        }
    };

    @Override
    public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        ServerSession session = getServerSession();
        // the first field of a publickey request: whether a signature follows (peeked, not consumed)
        boolean signed = buffer.available() > 0 && buffer.rawByte(buffer.rpos()) != 0;
        session.setAttribute(QUERY, !signed);
        try {
            return super.doAuth(buffer, init);
        } finally {
            session.removeAttribute(QUERY);
        }
    }

    /** @return true while the session's current public-key request is an unsigned query */
    static boolean isQuery(ServerSession session) {
        return Boolean.TRUE.equals(session.getAttribute(QUERY));
    }
}

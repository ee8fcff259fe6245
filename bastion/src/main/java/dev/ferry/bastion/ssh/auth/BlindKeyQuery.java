package dev.ferry.bastion.ssh.auth;

import dev.ferry.bastion.Text;
import dev.ferry.bastion.ssh.SessionInfo;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.signature.SignatureFactoriesManager;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key authentication that answers a client's unsigned "would you accept this key?" query with yes
 * for every supported key, and decides only on the signed request. Otherwise anyone holding a user's
 * public key (they are public) could learn which VPS names exist and hold it, before proving anything
 * (DESIGN, Authentication). The cost: a client signs once per key it offers, as it would after a yes.
 *
 * <p>A signed request's signature is verified first, and the registry is asked only about a key whose holder
 * proved it: MINA asks the authenticator first and verifies only keys it accepts, so a wrong signature cost a
 * verification for a key some VPS holds and none for another, and its time told which VPS hold a key.
 */
public final class BlindKeyQuery extends UserAuthPublicKey {
    /** Set for the duration of each public-key request: true when it carries no signature. */
    static final AttributeKey<Boolean> QUERY = new AttributeKey<>();

    private BlindKeyQuery(List<NamedFactory<Signature>> signatures) {
        super(signatures);
    }

    /**
     * @param signatures the user key algorithms accepted (certificates only with a client CA), apart from the host
     *                   key algorithms the session offers
     */
    public static UserAuthPublicKeyFactory factory(List<NamedFactory<Signature>> signatures) {
        List<NamedFactory<Signature>> accepted = List.copyOf(signatures);
        return new UserAuthPublicKeyFactory(accepted) {
            @Override
            public UserAuthPublicKey createUserAuth(ServerSession session) {
                return new BlindKeyQuery(accepted);
            }
        };
    }

    @Override
    public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        ServerSession session = getServerSession();
        // the first field of a publickey request: whether a signature follows (peeked, not consumed)
        boolean signed = buffer.available() > 0 && buffer.rawByte(buffer.rpos()) != 0;
        if (signed) {
            session.setAttribute(SessionInfo.USER_TRIED, Text.printable(getUsername(), 80));
            Integer tried = session.getAttribute(SessionInfo.KEYS_TRIED);
            session.setAttribute(SessionInfo.KEYS_TRIED, tried == null ? 1 : tried + 1);
            if (!signatureHolds(session, buffer)) {
                return Boolean.FALSE; // refused before the registry is asked, held key or not
            }
        }
        session.setAttribute(QUERY, !signed);
        try {
            return super.doAuth(buffer, init);
        } finally {
            session.removeAttribute(QUERY);
        }
    }

    /**
     * Verifies a signed request's signature as MINA would, leaving the buffer as it was. A request MINA cannot
     * even parse is left to MINA (it refuses it with its own error); only a well-formed request whose signature
     * does not hold is false.
     */
    private boolean signatureHolds(ServerSession session, Buffer buffer) {
        int rpos = buffer.rpos();
        int wpos = buffer.wpos();
        try {
            buffer.getBoolean();
            String alg = buffer.getString();
            int blobStart = buffer.rpos();
            int len = buffer.getInt();
            if (len < 0 || len > buffer.available()) {
                return true;
            }
            buffer.wpos(buffer.rpos() + len);
            PublicKey key = buffer.getRawPublicKey();
            buffer.wpos(wpos);
            byte[] sig = buffer.getBytes();
            Signature verifier = NamedFactory.create(SignatureFactoriesManager.resolveSignatureFactories(this, session),
                    alg);
            if (verifier == null) {
                return true;
            }
            // a certificate (SSO) signs with the key it certifies; MINA checks the certificate itself
            verifier.initVerifier(session, key instanceof OpenSshCertificate cert ? cert.getCertPubKey() : key);
            buffer.rpos(blobStart);
            buffer.wpos(blobStart + 4 + len);
            return verifySignature(session, getUsername(), alg, key, buffer, verifier, sig);
        } catch (Exception e) {
            return false;
        } finally {
            buffer.rpos(rpos);
            buffer.wpos(wpos);
        }
    }

    /** @return true while the session's current public-key request is an unsigned query */
    static boolean isQuery(ServerSession session) {
        return Boolean.TRUE.equals(session.getAttribute(QUERY));
    }
}

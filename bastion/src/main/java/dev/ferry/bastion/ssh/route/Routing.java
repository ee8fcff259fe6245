package dev.ferry.bastion.ssh.route;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one contract between the SSH layer and what it serves: asked once per login and once per channel or
 * forward. The authenticator, the ProxyJump path and plain mode ask it; none of them reads the registry or
 * the fleet itself.
 */
public interface Routing {

    /**
     * Whether this proven key may log in under this user name (one indexed lookup: it runs on an I/O thread).
     *
     * @return empty when it may not; else the login as admitted, a {@code vps-<ref>} login bound to the VPS its
     *         name names now ({@link Login.ToVps#bound}), which every later channel of the session is checked for
     */
    Optional<Login> admit(Login login, String fingerprint);

    /** A direct-tcpip channel to {@code host:port}: a VPS's sshd (dial), a port inside the container, or no. */
    Route directTcpip(Login login, String fingerprint, String host, int port);

    /** A session, a streamlocal channel or a remote forward: inside the container the login picked, or no. */
    Route inside(Login login, String fingerprint, Purpose purpose);

    /** What a channel or request inside the container is for: the VPS's policy may refuse forwards. */
    enum Purpose {
        /** A shell, command or subsystem. */
        SESSION,
        /** -L, -D, -W to a port or socket inside the VPS. */
        LOCAL_FORWARD,
        /** -R: the VPS listens for the user. */
        REMOTE_FORWARD
    }

    /**
     * Of the access open sessions rely on, what no longer holds (the key was removed from the VPS; the VPS was
     * removed, or is stopped or paused, or is to be), each with the sentence its sessions end with. Asked every
     * few seconds on every Host, so that access taken away anywhere ends the sessions everywhere.
     */
    Map<Access, Revoked> revoked(Set<Access> held);

    /**
     * A key's access to a VPS, which an open session (or one of its forwards) relies on.
     *
     * @param login the login user inside a session that has used plain mode (a grant may stop naming it), else null
     */
    record Access(long vpsId, String fingerprint, String login) {
        public Access(long vpsId, String fingerprint) {
            this(vpsId, fingerprint, null);
        }
    }

    /**
     * Why an access no longer holds.
     *
     * @param why        the sentence the sessions end with
     * @param notServing the VPS is stopped or paused (or is to be), rather than gone or no longer the key's: a
     *                   session that logged in while it was so never relied on it, and learns why at each channel
     */
    record Revoked(String why, boolean notServing) {
    }

    /**
     * Records the host key an external VPS's sshd showed on first contact, unless one is recorded already.
     *
     * @return the key recorded for it now: this one, or the one another connection recorded first; null when
     *         the VPS is gone
     */
    String recordHostKey(long vpsId, String hostKey);
}

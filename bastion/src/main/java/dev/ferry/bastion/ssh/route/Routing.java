package dev.ferry.bastion.ssh.route;

/**
 * The one contract between the SSH layer and what it serves: asked once per login and once per channel or
 * forward. The authenticator, the ProxyJump path and plain mode ask it; none of them reads the registry or
 * the fleet itself.
 */
public interface Routing {

    /** Whether this proven key may log in under this user name (one indexed lookup: it runs on an I/O thread). */
    boolean accepts(Login login, String fingerprint);

    /** A direct-tcpip channel to {@code host:port}: a VPS's sshd (dial), a port inside the container, or no. */
    Route directTcpip(Login login, String fingerprint, String host, int port);

    /** A session, a streamlocal channel or a remote forward: inside the container the login picked, or no. */
    Route inside(Login login, String fingerprint);

    /**
     * Records the host key an external VPS's sshd showed on first contact, unless one is recorded already.
     *
     * @return the key recorded for it now: this one, or the one another connection recorded first; null when
     *         the VPS is gone
     */
    String recordHostKey(long vpsId, String hostKey);
}

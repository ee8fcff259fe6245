package dev.ferry.bastion.ssh.route;

import dev.ferry.bastion.ssh.route.Upstream;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.Vps;
import java.net.InetSocketAddress;

/**
 * The routing contract's answer for a channel or forward a user asks for (DESIGN.md, Forwarding rules):
 * dial a VPS's sshd, bridge into the container, or refuse with a sentence.
 */
public sealed interface Route permits Route.Dial, Route.Bridge, Route.Refuse {

    /**
     * Connect to this VPS's registered sshd endpoint: the ProxyJump path, the only thing the bastion dials.
     *
     * @param hostMachine whether its endpoint may be on the Host's own machine (see {@link Upstream#hostMachine()})
     */
    record Dial(Vps vps, boolean hostMachine) implements Route {
    }

    /** Open it inside the container, over the bastion's own SSH connection to its sshd (plain mode). */
    record Bridge(Upstream upstream) implements Route {
    }

    /**
     * Refuse with this sentence; the OpenSSH client prints it after "administratively prohibited: ". A sentence
     * that suggests a command names the bastion with {@link #BASTION} ({@code host:port}, as {@code -J} and
     * ProxyJump take it), {@link #BASTION_HOST} and {@link #PORT_OPTION} ({@code ssh -p port user@host}), which
     * {@link #reason(InetSocketAddress)} fills in with the address the client reached: the user can run the
     * command as printed.
     */
    record Refuse(String reason) implements Route {
        public static final String BASTION = "{bastion}";
        public static final String BASTION_HOST = "{bastion-host}";
        /** {@code -p PORT } (with its space), or nothing for port 22. */
        public static final String PORT_OPTION = "{-p port}";

        /** The sentence with the bastion's address filled in; {@code <bastion>} where it is not known. */
        public String reason(InetSocketAddress reachedAt) {
            if (reachedAt == null || reachedAt.getAddress() == null) {
                return reason.replace(PORT_OPTION, "").replace(BASTION_HOST, "<bastion>").replace(BASTION,
                        "<bastion>");
            }
            String host = Endpoint.address(reachedAt.getAddress());
            int port = reachedAt.getPort();
            String hostPort = port == 22 ? host : Endpoint.hostPort(host, port);
            return reason.replace(PORT_OPTION, port == 22 ? "" : "-p " + port + " ").replace(BASTION_HOST, host)
                    .replace(BASTION, hostPort);
        }
    }
}

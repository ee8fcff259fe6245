package dev.ferry.bastion.ssh.route;

import dev.ferry.bastion.ssh.route.Upstream;
import dev.ferry.bastion.vps.Vps;

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

    /** Refuse with this sentence; the OpenSSH client prints it after "administratively prohibited: ". */
    record Refuse(String reason) implements Route {
    }
}

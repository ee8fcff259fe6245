package dev.ferry.bastion.ssh;

import dev.ferry.bastion.vps.Vps;

/** What the bastion does with a direct-tcpip request: dial a VPS's sshd, or refuse with a reason. */
public sealed interface ForwardDecision permits ForwardDecision.Dial, ForwardDecision.Refuse {

    /** Connect to this VPS's registered sshd endpoint; the only thing the bastion ever dials. */
    record Dial(Vps vps) implements ForwardDecision {
    }

    /** Refuse with this sentence; the OpenSSH client prints it after "administratively prohibited: ". */
    record Refuse(String reason) implements ForwardDecision {
    }
}

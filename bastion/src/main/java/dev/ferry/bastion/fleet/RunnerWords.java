package dev.ferry.bastion.fleet;

import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import java.util.List;
import java.util.Map;

/** The Host's records said in the runner protocol's terms. */
final class RunnerWords {
    private RunnerWords() {
    }

    /**
     * What a runner is told about a VPS placed on it, with the key lines that may log in as root, as each other
     * login user, and the certificate of its sshd's host key (or null).
     */
    static DesiredVps desired(Vps v, List<String> authorizedKeys, String hostCertificate,
                              Map<String, List<String>> loginKeys, String clientCaKey,
                              Map<String, List<String>> certificateLogins) {
        Placement p = v.placement();
        return new DesiredVps(Long.toString(v.id()), v.name(), p.image(), p.cpus(), p.memoryBytes(),
                told(p), authorizedKeys, hostCertificate, loginKeys, clientCaKey, certificateLogins);
    }

    /** During a restart the runner is told "stopped" until it reports the stop. */
    static DesiredState told(Placement p) {
        return switch (p.toldToRunner()) {
            case RUNNING -> DesiredState.RUNNING;
            case PAUSED -> DesiredState.PAUSED;
            case STOPPED -> DesiredState.STOPPED;
        };
    }
}

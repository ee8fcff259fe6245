package dev.ferry.bastion.ssh.route;

import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsStatus;

/**
 * The sentence a user reads when the VPS they asked for is not running: its status and the fix. The bastion
 * says it to ssh clients, the CLI's {@code vps connect} before it runs ssh.
 */
public final class StatusAdvice {
    private StatusAdvice() {
    }

    static String sentence(Vps v) {
        return sentence(v.status(), v.sshUser(), Long.toString(v.id()), v.lastError(), v.hostKey() != null);
    }

    /**
     * The sentence for a VPS known by its parts (as the control API shows it).
     *
     * @param ranBefore whether it has run before (its host key is known): then being placed again is a restart
     */
    public static String sentence(VpsStatus status, String sshUser, String id, String lastError, boolean ranBefore) {
        return switch (status) {
            case RUNNING -> sshUser + " is running";
            case PAUSED -> sshUser + " is paused; resume it with: ferry vps resume " + id;
            case STOPPED -> sshUser + " is stopped; start it with: ferry vps start " + id;
            case PENDING, ASSIGNING -> sshUser + (ranBefore ? " is restarting" : " is still being created")
                    + " (status " + status + "); wait for it, or watch: ferry vps status " + id;
            case FAILED -> sshUser + " has failed" + (lastError == null ? "" : ": " + lastError)
                    + "; see: ferry vps status " + id;
            case LOST -> sshUser + " is lost" + (lastError == null ? "" : ": " + lastError)
                    + "; check: ferry node list";
        };
    }
}

package dev.ferry.bastion.ssh.route;

import dev.ferry.bastion.vps.Vps;

/** The sentence a user reads when the VPS they asked for is not running: its status and the fix. */
final class StatusAdvice {
    private StatusAdvice() {
    }

    static String sentence(Vps v) {
        String id = Long.toString(v.id());
        return switch (v.status()) {
            case RUNNING -> v.sshUser() + " is running";
            case PAUSED -> v.sshUser() + " is paused; resume it with: ferry vps resume " + id;
            case STOPPED -> v.sshUser() + " is stopped; start it with: ferry vps restart " + id;
            case PENDING, ASSIGNING -> v.sshUser() + " is still being created (status " + v.status()
                    + "); wait for it, or watch: ferry vps status " + id;
            case FAILED -> v.sshUser() + " has failed" + (v.lastError() == null ? "" : ": " + v.lastError())
                    + "; see: ferry vps status " + id;
            case LOST -> v.sshUser() + " is lost" + (v.lastError() == null ? "" : ": " + v.lastError())
                    + "; check: ferry node list";
        };
    }
}

package dev.ferry.bastion.ssh;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.fleet.RunnerRegistry;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The forwarding rules of DESIGN.md: a direct-tcpip channel may reach port 22 of a VPS that holds the
 * key the session authenticated with, named {@code vps-<ref>}, or {@code localhost}/{@code 127.0.0.1}/
 * {@code ::1} for the VPS the user name picked. Everything else is refused with its reason.
 */
public final class ForwardRules {
    static final int SSH_PORT = 22;
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]",
            "0:0:0:0:0:0:0:1");

    private final VpsRegistry registry;
    private final RunnerRegistry runners;
    private final Clock clock;

    public ForwardRules(VpsRegistry registry, RunnerRegistry runners, Clock clock) {
        this.registry = registry;
        this.runners = runners;
        this.clock = clock;
    }

    /**
     * @param login       what the session's user name asked for
     * @param fingerprint the SHA256 fingerprint of the key the session authenticated with
     * @param host        the host the client asked to reach
     * @param port        the port it asked for
     */
    public ForwardDecision decide(Login login, String fingerprint, String host, int port) {
        String target = Endpoint.hostPort(host, port);
        Optional<VpsRef> ref = targetVps(login, host);
        if (ref.isEmpty()) {
            if (isLoopback(host)) {
                return new ForwardDecision.Refuse("the jump user has no VPS of its own, so " + target
                        + " names nothing; ask for the VPS by name: ssh -J jump@<bastion> root@vps-<id>");
            }
            return new ForwardDecision.Refuse(printable(target) + " is not a VPS: through this bastion you "
                    + "reach vps-<id>:22 (or localhost:22 for the VPS of your user name)");
        }
        Optional<Vps> vps = registry.find(ref.get()).filter(v -> registry.hasKey(v.id(), fingerprint));
        if (vps.isEmpty()) {
            // the same words whether the VPS is unknown or not this key's: nothing tells which exist
            return new ForwardDecision.Refuse("vps-" + ref.get() + " is not a VPS your key can reach");
        }
        Vps v = vps.get();
        if (login instanceof Login.ToVps picked && !picked.ref().equals(ref.get())
                && !registry.find(picked.ref()).map(p -> p.id() == v.id()).orElse(false)) {
            // the user name bounds the session: vps-web reaches vps-web only
            return new ForwardDecision.Refuse("a session logged in as " + login.describe() + " reaches only that VPS; "
                    + "to reach several VPS with one key, jump as the generic user: ProxyJump jump@<bastion>");
        }
        if (port != SSH_PORT) {
            return new ForwardDecision.Refuse(v.sshUser() + ": only port 22 (its sshd) is reachable through "
                    + "the bastion, not port " + port + "; forward other ports over an SSH session to the "
                    + "VPS itself (ssh -J ... -L ...)");
        }
        Optional<Runner> runner = v.onRunner() ? runners.find(v.placement().runner()) : Optional.empty();
        if (runner.isPresent() && !runner.get().online()) {
            return new ForwardDecision.Refuse(v.sshUser() + " cannot be reached: its runner " + runner.get().name()
                    + " is offline, " + runner.get().lastHeard(clock.instant()) + "; check: ferry node list");
        }
        if (v.status() != VpsStatus.RUNNING) {
            return new ForwardDecision.Refuse(StatusAdvice.sentence(v));
        }
        if (v.endpoint() == null) {
            return new ForwardDecision.Refuse(v.sshUser() + " is running but its runner has not reported an SSH port "
                    + "yet; try again in a few seconds, or see: ferry vps status " + v.id());
        }
        return new ForwardDecision.Dial(v);
    }

    private static Optional<VpsRef> targetVps(Login login, String host) {
        if (isLoopback(host)) {
            return login instanceof Login.ToVps picked ? Optional.of(picked.ref()) : Optional.empty();
        }
        return Login.vpsHost(host);
    }

    private static boolean isLoopback(String host) {
        return host != null && LOOPBACK.contains(host.toLowerCase(Locale.ROOT));
    }

    /** Requested host names come from the client: nothing unprintable into messages or logs. */
    static String printable(String s) {
        return dev.ferry.bastion.Text.printable(s, 100);
    }
}

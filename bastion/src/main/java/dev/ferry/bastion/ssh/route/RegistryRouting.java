package dev.ferry.bastion.ssh.route;

import dev.ferry.bastion.Text;
import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.fleet.RunnerRegistry;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The routing contract over the registry and the fleet (DESIGN.md, Forwarding rules). A direct-tcpip
 * channel to port 22 of a VPS that holds the session's key, named {@code vps-<ref>}, or {@code localhost}/
 * {@code 127.0.0.1}/{@code ::1} for the VPS the user name picked, is dialed (ProxyJump). A session logged in
 * as {@code vps-<ref>} opens everything else inside that VPS (plain mode). Everything else is refused with
 * its reason.
 */
public final class RegistryRouting implements Routing {
    static final int SSH_PORT = 22;
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]",
            "0:0:0:0:0:0:0:1");

    private final VpsRegistry registry;
    private final RunnerRegistry runners;
    private final Clock clock;

    public RegistryRouting(VpsRegistry registry, RunnerRegistry runners, Clock clock) {
        this.registry = registry;
        this.runners = runners;
        this.clock = clock;
    }

    @Override
    public boolean accepts(Login login, String fingerprint) {
        // one indexed query either way, so the time taken tells nothing about which VPS exist
        return login instanceof Login.ToVps v ? registry.holdsKey(v.ref(), fingerprint)
                : registry.anyHoldsKey(fingerprint);
    }

    @Override
    public Route directTcpip(Login login, String fingerprint, String host, int port) {
        boolean namesVps = Login.vpsHost(host).isPresent();
        if (login instanceof Login.ToVps && !namesVps && !(isLoopback(host) && port == SSH_PORT)) {
            return inside(login, fingerprint); // -L, -D, VS Code: localhost is the container's
        }
        return decide(login, fingerprint, host, port);
    }

    @Override
    public Route inside(Login login, String fingerprint) {
        if (!(login instanceof Login.ToVps picked)) {
            return new Route.Refuse("the jump user only jumps: it has no shell or forwards of its own; log in to "
                    + "the VPS itself: ssh " + Route.Refuse.PORT_OPTION + "vps-<id>@" + Route.Refuse.BASTION_HOST
                    + ", or jump through: ssh -J jump@" + Route.Refuse.BASTION + " root@vps-<id>");
        }
        Optional<Vps> vps = registry.find(picked.ref()).filter(v -> registry.hasKey(v.id(), fingerprint));
        if (vps.isEmpty()) {
            return new Route.Refuse("vps-" + picked.ref() + " is not a VPS your key can reach");
        }
        Vps v = vps.get();
        Optional<String> down = unreachable(v);
        if (down.isPresent()) {
            return new Route.Refuse(down.get());
        }
        return new Route.Bridge(new Upstream(v.id(), v.sshUser(), v.endpoint(), picked.vpsUser(), v.hostKey(),
                !v.onRunner(), v.runnerNote(), mayBeOnHostMachine(v)));
    }

    @Override
    public String recordHostKey(long vpsId, String hostKey) {
        if (registry.recordHostKey(vpsId, hostKey)) {
            return hostKey;
        }
        return registry.find(VpsRef.ofId(vpsId)).map(Vps::hostKey).orElse(null);
    }


    /**
     * @param login       what the session's user name asked for
     * @param fingerprint the SHA256 fingerprint of the key the session authenticated with
     * @param host        the host the client asked to reach
     * @param port        the port it asked for
     */
    Route decide(Login login, String fingerprint, String host, int port) {
        String target = Endpoint.hostPort(host, port);
        Optional<VpsRef> ref = targetVps(login, host);
        if (ref.isEmpty()) {
            if (isLoopback(host)) {
                return new Route.Refuse("the jump user has no VPS of its own, so " + target
                        + " names nothing; ask for the VPS by name: ssh -J jump@" + Route.Refuse.BASTION
                        + " root@vps-<id>");
            }
            return new Route.Refuse(printable(target) + " is not a VPS: through this bastion you "
                    + "reach vps-<id>:22 (or localhost:22 for the VPS of your user name)");
        }
        Optional<Vps> vps = registry.find(ref.get()).filter(v -> registry.hasKey(v.id(), fingerprint));
        if (vps.isEmpty()) {
            // the same words whether the VPS is unknown or not this key's: nothing tells which exist
            return new Route.Refuse("vps-" + ref.get() + " is not a VPS your key can reach");
        }
        Vps v = vps.get();
        if (login instanceof Login.ToVps picked && !picked.ref().equals(ref.get())
                && !registry.find(picked.ref()).map(p -> p.id() == v.id()).orElse(false)) {
            // the user name bounds the session: vps-web reaches vps-web only
            return new Route.Refuse("a session logged in as " + login.describe() + " reaches only that VPS; "
                    + "to reach several VPS with one key, jump as the generic user: ProxyJump jump@"
                    + Route.Refuse.BASTION);
        }
        if (port != SSH_PORT) {
            return new Route.Refuse(v.sshUser() + ": only port 22 (its sshd) is reachable through "
                    + "the bastion, not port " + port + "; forward other ports over an SSH session to the "
                    + "VPS itself (ssh -J ... -L ...)");
        }
        Optional<String> down = unreachable(v);
        return down.isPresent() ? new Route.Refuse(down.get()) : new Route.Dial(v, mayBeOnHostMachine(v));
    }

    /** An admin registered its endpoint, or its runner enrolled from the Host's own machine. */
    private boolean mayBeOnHostMachine(Vps v) {
        return !v.onRunner() || runners.find(v.placement().runner()).map(r -> r.enrollment().onHostMachine())
                .orElse(false);
    }

    /** Why a VPS cannot be reached now (runner offline, not running, no port yet), if it cannot. */
    private Optional<String> unreachable(Vps v) {
        Optional<Runner> runner = v.onRunner() ? runners.find(v.placement().runner()) : Optional.empty();
        if (runner.isPresent() && !runner.get().online()) {
            return Optional.of(v.sshUser() + " cannot be reached: its runner " + runner.get().name()
                    + " is offline, " + runner.get().lastHeard(clock.instant()) + "; check: ferry node list");
        }
        if (v.status() != VpsStatus.RUNNING) {
            return Optional.of(StatusAdvice.sentence(v));
        }
        if (v.endpoint() == null) {
            return Optional.of(v.sshUser() + " is running but its runner has not reported an SSH port "
                    + "yet; try again in a few seconds, or see: ferry vps status " + v.id());
        }
        return Optional.empty();
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
    public static String printable(String s) {
        return Text.printable(s, 100);
    }
}

package dev.ferry.bastion.ssh.route;

import dev.ferry.bastion.Text;
import dev.ferry.bastion.fleet.Runner;
import dev.ferry.bastion.fleet.RunnerRegistry;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.people.Grant;
import dev.ferry.bastion.people.KeyAccess;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Person;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsPolicy;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing contract over the registry and the fleet (DESIGN.md, Forwarding rules). A direct-tcpip
 * channel to port 22 of a VPS that holds the session's key, named {@code vps-<ref>}, or {@code localhost}/
 * {@code 127.0.0.1}/{@code ::1} for the VPS the user name picked, is dialed (ProxyJump). A session logged in
 * as {@code vps-<ref>} opens everything else inside that VPS (plain mode). Everything else is refused with
 * its reason.
 */
public final class RegistryRouting implements Routing {
    static final int SSH_PORT = 22;
    private static final Logger log = LoggerFactory.getLogger(RegistryRouting.class);
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]",
            "0:0:0:0:0:0:0:1");

    private final VpsRegistry registry;
    private final People people;
    private final RunnerRegistry runners;
    private final Clock clock;
    private final boolean vpsKeys;

    public RegistryRouting(VpsRegistry registry, People people, RunnerRegistry runners, Clock clock) {
        this(registry, people, runners, clock, true);
    }

    /** @param vpsKeys whether a VPS's own keys let in ({@code vps_keys}); false: people's keys only */
    public RegistryRouting(VpsRegistry registry, People people, RunnerRegistry runners, Clock clock,
                           boolean vpsKeys) {
        this.registry = registry;
        this.people = people;
        this.runners = runners;
        this.clock = clock;
        this.vpsKeys = vpsKeys;
    }

    /**
     * Why the key may not be used in the VPS {@code ref} names now as {@code login} (null: its sshd checks the user),
     * or empty: one sentence for a VPS that does not exist and one this key cannot reach.
     */
    private Optional<String> refusal(VpsRef ref, String fingerprint, String login, String named) {
        return access(ref, fingerprint).map(a -> a.refusal(login, clock.instant(), named))
                .orElse(Optional.of(named + " is not a VPS your key can reach"));
    }

    /** How the key reaches the VPS {@code ref} names, as this Host lets it ({@code vps_keys}). */
    private Optional<KeyAccess> access(VpsRef ref, String fingerprint) {
        return registry.access(ref, fingerprint).map(a -> vpsKeys ? a : a.withoutVpsKey());
    }

    @Override
    public Optional<Login> admit(Login login, String fingerprint) {
        // one indexed query either way, so the time taken tells nothing about which VPS exist
        if (login instanceof Login.ToVps v) {
            Optional<KeyAccess> access = access(v.ref(), fingerprint);
            access.filter(a -> a.person() != null && !a.admits()).ifPresent(a -> log.info("{}: key {} of {} refused "
                    + "({})", login.describe(), fingerprint, a.person(), a.disabled() ? "disabled" : a.role().word()));
            return access.filter(KeyAccess::admits).map(a -> v.bound(a.vpsId(), a.via()));
        }
        return registry.jumpVia(fingerprint, vpsKeys, clock.instant()).map(Login.Jump::new);
    }

    @Override
    public Route directTcpip(Login login, String fingerprint, String host, int port) {
        boolean namesVps = Login.vpsHost(host).isPresent();
        if (login instanceof Login.ToVps && !namesVps && !(isLoopback(host) && port == SSH_PORT)) {
            return inside(login, fingerprint, Purpose.LOCAL_FORWARD); // -L, -D, VS Code: localhost is the container's
        }
        return decide(login, fingerprint, host, port);
    }

    @Override
    public Route inside(Login login, String fingerprint, Purpose purpose) {
        if (!(login instanceof Login.ToVps picked)) {
            return new Route.Refuse("the jump user only jumps: it has no shell or forwards of its own; log in to "
                    + "the VPS itself: ssh " + Route.Refuse.PORT_OPTION + "vps-<id>@" + Route.Refuse.BASTION_HOST
                    + ", or jump through: ssh -J jump@" + Route.Refuse.BASTION + " root@vps-<id>");
        }
        // the VPS the session was admitted to, by id: a rename meanwhile never moves it to another
        Optional<String> refused = refusal(picked.target(), fingerprint, picked.vpsUser(), "vps-" + picked.ref());
        if (refused.isPresent()) {
            return new Route.Refuse(refused.get());
        }
        Optional<Vps> vps = registry.find(picked.target());
        if (vps.isEmpty()) {
            return new Route.Refuse("vps-" + picked.ref() + " is not a VPS your key can reach");
        }
        Vps v = vps.get();
        Optional<String> down = unreachable(v).or(() -> forbidden(v, purpose));
        if (down.isPresent()) {
            return new Route.Refuse(down.get());
        }
        return new Route.Bridge(new Upstream(v.id(), v.sshUser(), v.endpoint(), picked.vpsUser(), v.hostKey(),
                !v.onRunner(), v.runnerNote(), mayBeOnHostMachine(v),
                v.policy().recording() == VpsPolicy.Recording.REQUIRED));
    }

    @Override
    public Map<Access, Revoked> revoked(Set<Access> held) {
        Set<Long> ids = held.stream().map(Access::vpsId).collect(Collectors.toSet());
        Map<Long, Vps> vps = registry.byIds(ids);
        Map<Long, Set<String>> keys = registry.keyFingerprints(ids);
        Map<String, Person> persons = people.byKeys(held.stream().map(Access::fingerprint).toList());
        Map<Access, Grant> grants = new HashMap<>();
        for (Grant g : persons.isEmpty() ? List.<Grant>of() : people.grantsTo(ids)) {
            persons.forEach((fingerprint, p) -> {
                if (p.name().equals(g.person())) {
                    grants.put(new Access(g.vpsId(), fingerprint), g);
                }
            });
        }
        Instant now = clock.instant();
        Map<Access, Revoked> revoked = new HashMap<>();
        for (Access a : held) {
            Vps v = vps.get(a.vpsId());
            if (v == null) {
                revoked.put(a, new Revoked("vps-" + a.vpsId() + " was removed", false));
                continue;
            }
            Person p = persons.get(a.fingerprint());
            KeyAccess access = new KeyAccess(v.id(), vpsKeys && keys.getOrDefault(v.id(), Set.of()).contains(
                    a.fingerprint()),
                    p == null ? null : p.name(), p == null ? null : p.role(), p != null && p.disabled(),
                    p != null && p.name().equals(v.owner()), grants.get(new Access(a.vpsId(), a.fingerprint())));
            Optional<String> gone = lost(access, a, v, p, now);
            if (gone.isPresent()) {
                revoked.put(a, new Revoked(gone.get(), false));
            } else {
                notServing(v).ifPresent(why -> revoked.put(a, new Revoked(why, true)));
            }
        }
        return revoked;
    }

    /** Why the access a session relies on no longer holds, if it does not. */
    private static Optional<String> lost(KeyAccess access, Access a, Vps v, Person p, Instant now) {
        Optional<String> certified = ClientCa.certified(a.fingerprint());
        Optional<Instant> certificateEnd = ClientCa.end(a.fingerprint());
        if (certificateEnd.isPresent() && !now.isBefore(certificateEnd.get())) {
            return Optional.of(certified.orElseThrow() + "'s certificate ended at " + certificateEnd.get()
                    + "; sign in again: ferry login --sso --ssh");
        }
        if (p == null && certified.isPresent()) {
            return Optional.of(certified.get() + " was removed");
        }
        if (p != null && p.disabled()) {
            return Optional.of(p.name() + " was disabled" + (p.disabledBy() == null ? "" : " by " + p.disabledBy()));
        }
        if (!access.admits()) {
            return Optional.of(p == null ? "your key " + a.fingerprint() + " was removed from " + v.label()
                    : p.name() + "'s access to " + v.label() + " was revoked");
        }
        return access.refusal(a.login(), now, v.label(), v.sshUser());
    }

    /**
     * Why a VPS's sessions end: it is stopped or paused, or is to be (its runner has not done it yet). A restart
     * ends them by itself, as its container stops.
     */
    private static Optional<String> notServing(Vps v) {
        if (v.onRunner() && v.placement().restarting()) {
            return Optional.empty();
        }
        TargetState wanted = v.onRunner() ? v.placement().desired() : null;
        if (wanted == TargetState.STOPPED || v.status() == VpsStatus.STOPPED) {
            return Optional.of(v.label() + " was stopped; start it with: ferry vps start " + v.id());
        }
        if (wanted == TargetState.PAUSED || v.status() == VpsStatus.PAUSED) {
            return Optional.of(v.label() + " was paused; resume it with: ferry vps resume " + v.id());
        }
        return Optional.empty();
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
        // the same words whether the VPS is unknown or not this key's: nothing tells which exist
        String named = "vps-" + (login instanceof Login.ToVps picked && isLoopback(host) ? picked.ref() : ref.get());
        Optional<String> refused = refusal(ref.get(), fingerprint, null, named);
        if (refused.isPresent()) {
            return new Route.Refuse(refused.get());
        }
        Optional<Vps> vps = registry.find(ref.get());
        if (vps.isEmpty()) {
            return new Route.Refuse(named + " is not a VPS your key can reach");
        }
        Vps v = vps.get();
        if (login instanceof Login.ToVps picked && v.id() != (picked.vpsId() != 0 ? picked.vpsId()
                : registry.find(picked.ref()).map(Vps::id).orElse(0L))) {
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
        if (v.policy().recording() == VpsPolicy.Recording.REQUIRED) {
            // end to end encrypted, a jump cannot be recorded: only plain mode reaches such a VPS
            return new Route.Refuse(v.label() + " requires its sessions to be recorded, which ProxyJump cannot be; "
                    + "log in through the bastion instead (plain mode): ssh " + Route.Refuse.PORT_OPTION
                    + v.sshUser() + "@" + Route.Refuse.BASTION_HOST);
        }
        Optional<String> down = unreachable(v);
        return down.isPresent() ? new Route.Refuse(down.get()) : new Route.Dial(v, mayBeOnHostMachine(v));
    }

    /** Why the VPS's policy refuses a forward of this kind, if it does. */
    private static Optional<String> forbidden(Vps v, Purpose purpose) {
        VpsPolicy.Forwarding allowed = v.policy().forwarding();
        if (purpose == Purpose.LOCAL_FORWARD && allowed == VpsPolicy.Forwarding.NONE) {
            return Optional.of(v.label() + " allows no port forwarding (its policy: forwarding none; an admin "
                    + "changes it with: ferry vps policy " + v.id() + " --forwarding all)");
        }
        if (purpose == Purpose.REMOTE_FORWARD && allowed != VpsPolicy.Forwarding.ALL) {
            return Optional.of(v.label() + " allows no remote forwarding (-R) (its policy: forwarding "
                    + allowed.word() + "; an admin changes it with: ferry vps policy " + v.id()
                    + " --forwarding all)");
        }
        return Optional.empty();
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
            return login instanceof Login.ToVps picked ? Optional.of(picked.target()) : Optional.empty();
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

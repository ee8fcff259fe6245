package dev.ferry.bastion.fleet;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.Text;
import dev.ferry.bastion.log.LogThrottle;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.TargetState;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsKey;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.HostKeyLine;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerLimits;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterAnswer;
import dev.ferry.protocol.RegisterRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Host's side of VPS lifecycle on runners: placement, the desired state users change, and what
 * runners report (DESIGN.md, VPS lifecycle; runner protocol v1).
 */
public final class Fleet {
    private static final Logger log = LoggerFactory.getLogger(Fleet.class);
    static final int HEARTBEAT_SECONDS = 5;

    private final VpsRegistry vps;
    private final RunnerRegistry runners;
    private final Clock clock;
    private final List<String> userCaKeys;
    private final String clientCaKey;
    private final HostCertifier certifier;
    private final boolean vpsKeys;
    /** Reports the registry cannot take now are logged once per runner a minute, not once per VPS and beat. */
    private final LogThrottle waiting = new LogThrottle(Duration.ofMinutes(1));
    private final LogThrottle interceptions = new LogThrottle(Duration.ofMinutes(1));


    /**
     * @param userCaKeys the user CA public keys (OpenSSH lines) runners install in every VPS sshd as
     *                   {@code TrustedUserCAKeys}, so that the bastion's certificates log in (plain mode)
     */
    public Fleet(VpsRegistry vps, RunnerRegistry runners, Clock clock, List<String> userCaKeys) {
        this(vps, runners, clock, userCaKeys, HostCertifier.NONE);
    }

    /**
     * @param certifier certifies each VPS sshd's host key, as the runner reported it, for the runner to install
     */
    public Fleet(VpsRegistry vps, RunnerRegistry runners, Clock clock, List<String> userCaKeys,
                 HostCertifier certifier) {
        this(vps, runners, clock, userCaKeys, certifier, true);
    }

    /**
     * @param vpsKeys whether a VPS's own keys let in ({@code vps_keys}): when not, runners install none of them in
     *                their VPS, so that a ProxyJump, end to end, cannot use one either
     */
    public Fleet(VpsRegistry vps, RunnerRegistry runners, Clock clock, List<String> userCaKeys,
                 HostCertifier certifier, boolean vpsKeys) {
        this(vps, runners, clock, userCaKeys, certifier, vpsKeys, null);
    }

    /**
     * @param clientCaKey the client CA's public key (an OpenSSH line) when the Host signs people in with SSO: runners
     *                    let its certificates in as the people each login user is for; null: none
     */
    public Fleet(VpsRegistry vps, RunnerRegistry runners, Clock clock, List<String> userCaKeys,
                 HostCertifier certifier, boolean vpsKeys, String clientCaKey) {
        this.clientCaKey = clientCaKey;
        this.vps = vps;
        this.runners = runners;
        this.clock = clock;
        this.userCaKeys = List.copyOf(userCaKeys);
        this.certifier = certifier;
        this.vpsKeys = vpsKeys;
        runners.heardAllOnlineAt(clock.instant());
    }

    /** A fleet whose runners are given no user CA: their VPS accept no certificate logins. */
    public Fleet(VpsRegistry vps, RunnerRegistry runners, Clock clock) {
        this(vps, runners, clock, List.of());
    }

    public RunnerRegistry runners() {
        return runners;
    }

    /** What {@code ferry vps create} asks for; {@code owner}: the person asking, or null (the admin token). */
    public record CreateRequest(String name, String image, List<SshPublicKey> keys, String runner, Double cpus,
                                Long memoryBytes, String owner) {
        public CreateRequest(String name, String image, List<SshPublicKey> keys, String runner, Double cpus,
                             Long memoryBytes) {
            this(name, image, keys, runner, cpus, memoryBytes, null);
        }

        public CreateRequest {
            if (image == null || image.isBlank() || !image.matches("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}")) {
                throw FerryException.invalid("image '" + (image == null ? "" : image) + "' is not an image name "
                        + "(like debian-sshd:12 or registry.example/team/img:tag)");
            }
            if (cpus != null && (cpus <= 0 || cpus > 1024)) {
                throw FerryException.invalid("cpus must be more than 0 and at most 1024, got " + cpus);
            }
            if (memoryBytes != null && memoryBytes < 6L * 1024 * 1024) {
                throw FerryException.invalid("memory must be at least 6 MiB (Docker's minimum), got " + memoryBytes
                        + " bytes");
            }
        }
    }

    /**
     * Places a new VPS on an online runner with room (or the named one) and records it. The room is judged again
     * under a lock of the runner's row in the registry as the VPS is recorded, so two creates on any Hosts never
     * both take a runner's last room: the one that finds it gone tries the next runner.
     */
    public Vps create(CreateRequest req) {
        for (Runner runner : candidates(req)) {
            Placement placement = new Placement(req.image(), runner.name(), req.cpus(), req.memoryBytes(),
                    TargetState.RUNNING, false);
            Optional<Vps> created = vps.createOnRunner(new NewVps(req.name(), null, req.keys(), placement)
                            .ownedBy(req.owner()),
                    placed -> req.runner() != null || hasRoom(runner, placed, req));
            if (created.isPresent()) {
                log.info("vps {} placed on runner {} (image {})", created.get().id(), runner.name(), req.image());
                return created.get();
            }
        }
        throw noRoom(req);
    }

    /** The runners a VPS may go to, the emptiest first: the named one, or every online runner with room now. */
    private List<Runner> candidates(CreateRequest req) {
        if (req.runner() != null) {
            Runner r = runners.find(req.runner()).orElseThrow(() -> FerryException.notFound(
                    "no runner '" + req.runner() + "' is registered (see: ferry node list)"));
            if (!r.online()) {
                throw FerryException.conflict("runner " + r.name() + " is offline, " + r.lastHeard(clock.instant())
                        + "; start it, or leave out --runner to let Ferry choose");
            }
            if (!r.dockerOk()) {
                throw FerryException.conflict("runner " + r.name() + " cannot reach its Docker engine: "
                        + r.dockerError());
            }
            return List.of(r);
        }
        List<Runner> online = runners.list().stream().filter(Runner::online).filter(Runner::dockerOk).toList();
        if (online.isEmpty()) {
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "no runner is online with a working Docker "
                    + "engine; start one with: ferry runner (or ferry up), and see: ferry node list");
        }
        Map<String, List<Vps>> placed = online.stream().collect(Collectors.toMap(Runner::name, r -> vps.onRunner(r.name())));
        List<Runner> roomy = online.stream().filter(r -> hasRoom(r, placed.get(r.name()), req))
                .sorted(Comparator.comparingInt((Runner r) -> placed.get(r.name()).size()).thenComparing(Runner::name))
                .toList();
        if (roomy.isEmpty()) {
            throw noRoom(req);
        }
        return roomy;
    }

    private static FerryException noRoom(CreateRequest req) {
        return FerryException.conflict("no online runner has room for "
                + (req.cpus() == null ? "" : req.cpus() + " CPUs ")
                + (req.memoryBytes() == null ? "" : (req.memoryBytes() >> 20) + " MiB ")
                + "more (see: ferry node list)");
    }

    private static boolean hasRoom(Runner r, List<Vps> placed, CreateRequest req) {
        double cpus = placed.stream().map(v -> v.placement().cpus()).filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue).sum();
        long memory = placed.stream().map(v -> v.placement().memoryBytes()).filter(Objects::nonNull)
                .mapToLong(Long::longValue).sum();
        boolean cpuRoom = req.cpus() == null || cpus + req.cpus() <= r.cpus();
        boolean memoryRoom = req.memoryBytes() == null || memory + req.memoryBytes() <= r.memoryBytes();
        return cpuRoom && memoryRoom;
    }

    /** Applies {@code ferry vps stop|restart|pause|resume}. */
    public Vps act(VpsRef ref, VpsAction action) {
        while (true) {
            Vps v = vps.get(ref);
            Placement next = action.apply(v); // refuses what does not fit the VPS as it is now
            Optional<Vps> updated = vps.replacePlacement(v.id(), v.placement(), next);
            if (updated.isPresent()) {
                log.info("vps {}: {} requested (was {})", v.id(), action.word(), v.status());
                return updated.get();
            }
            // a heartbeat or another action changed it meanwhile: decide again on what it is now
        }
    }

    /**
     * An enrolled runner's process starts (or comes back).
     *
     * @param caller the runner whose credential the call proved
     */
    public RegisterAnswer register(String caller, RegisterRequest r) {
        String name = sameRunner(caller, r.name());
        Runner enrolled = runners.find(name).orElseThrow(() -> FerryException.notFound("runner '" + name
                + "' is not enrolled; enroll it first"));
        String address = RunnerNames.validAddress(r.address());
        if (!address.equalsIgnoreCase(enrolled.address())) {
            log.warn("runner {} registered advertising {}, but it enrolled with {}: refused", name, address,
                    enrolled.address());
            throw FerryException.forbidden("runner " + name + " enrolled with the address " + enrolled.address()
                    + " and now advertises " + address + ": a runner's address is fixed at enrollment; to change it, "
                    + "an admin removes the runner (ferry node remove " + name + ") and it enrolls again");
        }
        if (r.cpus() == null || r.cpus() < 1 || r.memoryBytes() == null || r.memoryBytes() < 1) {
            throw FerryException.invalid("fields 'cpus' and 'memory_bytes' are required and must be positive");
        }
        DockerStatus d = docker(r.docker());
        String session = UUID.randomUUID().toString();
        runners.register(name, r.cpus(), r.memoryBytes(), d.ok(), d.error(), session, clock.instant());
        return new RegisterAnswer(HEARTBEAT_SECONDS, runners.registryId(), session, userCaKeys);
    }

    /** A credential speaks for its own runner only. */
    private static String sameRunner(String caller, String named) {
        String name = RunnerNames.valid(named);
        if (!name.equals(caller)) {
            log.warn("runner {}'s credential was used to speak for runner {}: refused", caller, name);
            throw FerryException.forbidden("this credential belongs to runner " + caller + ", not to " + name
                    + ": a runner speaks for itself only");
        }
        return name;
    }

    /** A runner that says nothing about Docker is taken as one whose Docker does not answer. */
    private static DockerStatus docker(DockerStatus reported) {
        return reported != null ? reported : DockerStatus.down("not reported by the runner");
    }

    /**
     * A runner reports; the answer is what the Host wants of its VPS, and only of its own.
     *
     * @param caller the runner whose credential the call proved
     */
    public HeartbeatAnswer heartbeat(String caller, String name, HeartbeatRequest hb) {
        sameRunner(caller, name);
        DockerStatus d = docker(hb.docker());
        Runner runner = runners.heartbeat(caller, hb.session(), d.ok(), d.error(), clock.instant()).orElseThrow(
                () -> FerryException.notFound("runner '" + caller + "' is not registered; register first"));
        Map<Long, ContainerReport> reports = hb.containers().stream()
                .filter(c -> c.vpsId() != null && c.vpsId().matches("[0-9]{1,19}"))
                .collect(Collectors.toMap(c -> Long.parseLong(c.vpsId()), Function.identity(), (a, b) -> a));
        List<Vps> own = vps.onRunner(runner.name());
        refuseForeign(runner, reports, own);
        if (d.ok()) { // without Docker it sees no containers: that says nothing of the removed ones
            vps.containersGone(runner.name(), reports.keySet());
        }
        LoginKeys people = LoginKeys.of(own, vps.people(), clock.instant());
        List<DesiredVps> desired = new ArrayList<>();
        for (Vps v : own) {
            try {
                desired.add(report(runner, v, reports.get(v.id()), d.ok(), people));
            } catch (RuntimeException e) {
                // one VPS's trouble is its own: the others are still reported and answered
                if (e instanceof FerryException f && f.kind() == FerryException.Kind.UNAVAILABLE) {
                    // the registry cannot take it now (a full disk): the runner reports again at its next beat
                    int more = waiting.admit(runner.name());
                    if (more >= 0) {
                        log.warn("runner {}: the report on vps {} waits: {}{}", runner.name(), v.id(), f.getMessage(),
                                waiting.more(more));
                    }
                } else {
                    log.error("runner {}: the report on vps {} could not be handled", runner.name(), v.id(), e);
                }
                desired.add(desired(v, people, certifier.certificate(v)));
            }
        }
        return new HeartbeatAnswer(desired, userCaKeys);
    }

    /** Reports about VPS placed on other runners change nothing; they are logged, as a runner never sends them. */
    private void refuseForeign(Runner runner, Map<Long, ContainerReport> reports, List<Vps> own) {
        Set<Long> ownIds = own.stream().map(Vps::id).collect(Collectors.toSet());
        for (Long id : reports.keySet()) {
            if (!ownIds.contains(id)) {
                vps.find(VpsRef.ofId(id)).filter(v -> v.onRunner()).ifPresent(v -> log.warn("runner {} reported on "
                        + "vps {}, which is placed on runner {}: refused, nothing changed", runner.name(), id,
                        v.placement().runner()));
            }
        }
    }

    private DesiredVps report(Runner runner, Vps v, ContainerReport report, boolean dockerOk, LoginKeys people) {
        if (report != null && report.hostKey() != null) {
            recordHostKey(runner, v, report.hostKey());
        }
        // without Docker the runner sees no containers: that means "unknown", not "gone"
        Vps now = dockerOk ? observe(runner, v, Optional.ofNullable(report)) : v;
        String certificate = certifier.certificate(now);
        if (dockerOk) {
            boolean certified = report != null && report.hostCertificate() != null && certificate != null
                    && report.hostCertificate().equals(HostCertificates.fingerprint(certificate));
            if (certified != now.hostCertified()) { // every heartbeat repeats it: written on a change only
                vps.recordHostCertified(now.id(), certified);
            }
        }
        return desired(now, people, certificate);
    }

    private DesiredVps desired(Vps v, LoginKeys people, String certificate) {
        return RunnerWords.desired(v, keysOf(v, people), certificate, people.others(v.id()), clientCaKey,
                people.people(v.id()));
    }

    /** Root's keys: the VPS's own (unless {@code vps_keys} is false), then the people's who may log in as root. */
    private List<String> keysOf(Vps v, LoginKeys people) {
        List<String> keys = new ArrayList<>(!vpsKeys ? List.of() : vps.keys(VpsRef.ofId(v.id())).stream()
                .map(VpsKey::key).map(SshPublicKey::toOpenSsh).toList());
        people.root(v.id()).stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        return keys;
    }

    /**
     * Keeps the host key a runner reports for a VPS placed on it (only such VPS are looked at). The runner
     * relays what a tenant's container printed: a value that is not one valid public key is dropped.
     */
    private void recordHostKey(Runner runner, Vps v, String reported) {
        try {
            String line = HostKeyLine.normalize(reported);
            if (!line.equals(v.hostKey())) { // every heartbeat repeats it: the registry is asked only on a change
                OptionalLong holder = vps.replaceHostKey(v.id(), line);
                if (holder.isPresent()) {
                    // the runner repeats it at every heartbeat: one line a minute per VPS
                    int more = interceptions.admit(Long.toString(v.id()));
                    if (more >= 0) {
                        log.warn("vps {}: runner {} reported host key {}, which vps {} holds: refused, as a possible "
                                + "interception (a runner that reports another VPS's sshd for its own); the bastion "
                                + "keeps expecting {}{}", v.id(), runner.name(), SshPublicKey.parse(line).fingerprint(),
                                holder.getAsLong(), v.hostKey() == null ? "no key"
                                        : SshPublicKey.parse(v.hostKey()).fingerprint(), interceptions.more(more));
                    }
                }
            }
        } catch (KeyFormatException e) {
            log.warn("vps {}: runner {} reported a host key that is not one ({} characters), not stored: {}", v.id(),
                    runner.name(), reported.length(), Text.printable(e.getMessage(), 200));
        }
    }

    private Vps observe(Runner runner, Vps v, Optional<ContainerReport> report) {
        Placement p = v.placement();
        ContainerState state = report.map(ContainerReport::state).orElse(ContainerState.MISSING);
        if (p.restarting() && (state == ContainerState.STOPPED || state == ContainerState.MISSING)) {
            // the stop half of a restart is done: now ask for it to run again, unless a user asked otherwise
            // since this heartbeat read it (then their wish stands, and the next heartbeat looks again)
            Vps current = v;
            v = vps.replacePlacement(v.id(), p, p.wanting(p.desired(), false)).orElseGet(() -> vps.get(
                    VpsRef.ofId(current.id())));
        }
        ContainerLimits limits = report.map(ContainerReport::limits).orElse(null);
        if (limits != null && limits.plausible() && !limits.equals(v.limits())) {
            vps.recordLimits(v.id(), limits);
        }
        Observed o = Observed.of(runner, v, state, report.orElse(null), clock.instant());
        if (o.status() == VpsStatus.FAILED && !Objects.equals(o.error(), v.lastError())) {
            log.warn("vps {}: {}", v.id(), o.error());
        }
        return vps.recordObserved(v.id(), o.status(), o.endpoint(), o.error());
    }

    /** Marks runners silent for {@code limit} offline and their active VPS lost. Called every few seconds. */
    public void checkSilence(Duration limit) {
        Instant now = clock.instant();
        for (Runner r : runners.markSilentOffline(now.minus(limit))) {
            for (Vps v : vps.onRunner(r.name())) {
                if (v.status() == VpsStatus.RUNNING || v.status() == VpsStatus.PAUSED
                        || v.status() == VpsStatus.ASSIGNING || v.status() == VpsStatus.PENDING) {
                    vps.recordObserved(v.id(), VpsStatus.LOST, v.endpoint(), "its runner " + r.name()
                            + " went silent, " + r.lastHeard(now));
                }
            }
        }
    }
}

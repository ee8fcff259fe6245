package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.agent.docker.ContainerRuntime;
import dev.ferry.agent.docker.EngineUnreachableException;
import dev.ferry.agent.docker.ManagedContainer;
import dev.ferry.agent.docker.PortRange;
import dev.ferry.agent.onstart.OnStartStep;
import dev.ferry.protocol.ContainerLimits;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.ReportText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The runner's view of its VPS containers: {@link #observe()} builds a heartbeat from what Docker shows (and
 * whether each sshd answers), {@link #apply(List)} makes Docker converge on the Host's answer. Containers are
 * found by label, never remembered, so containers left by an earlier agent are adopted as they are, with
 * their ports. Actions run on worker threads, one at a time per VPS ({@code Workers}), so a slow one never delays
 * the heartbeats; {@code onChange} is called after an action so that the loop can report it early. What it
 * remembers about each VPS between heartbeats is kept in one place ({@code Ledger}), and forgotten with the VPS.
 */
public final class Reconciler implements AutoCloseable {
    /**
     * Checks in a row that a running VPS's sshd leaves unanswered before the start-up step runs again to start it
     * (15 s at the default heartbeat): its tenant killed it, or it crashed. A busy sshd that misses them is left
     * alone by the step (no reload, which would drop the connections waiting in its listen queue).
     */
    static final int SILENT_CHECKS = 3;

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final String runner;
    private final ContainerRuntime runtime;
    private final Converger converger;
    private final Ledger ledger = new Ledger();
    private final Workers workers;
    private final SshdChecks sshdChecks;
    private volatile String registryId;
    private volatile Map<String, DesiredVps> desired = Map.of();
    private volatile Map<String, ManagedContainer> seen = Map.of();

    /**
     * @param runner    this runner's name (label {@code ferry.runner})
     * @param advertise the address sshd is checked on and port 22 is published on
     * @param ports     the host ports port 22 is published on (the enrolled range); null for Docker's choice
     * @param policy    how containers are made (limits, capabilities) and how long the start-up step may run
     * @param actions   where actions and start-up steps run; null for the reconciler's own pools
     * @param onChange  called after an action changed something; may be null
     */
    public Reconciler(String runner, String advertise, PortRange ports, ContainerPolicy policy,
                      ContainerRuntime runtime, Executor actions, Runnable onChange) {
        this(runner, advertise, ports, policy, runtime, actions, onChange, Clock.systemUTC(), Duration.ofSeconds(10),
                Duration.ofMinutes(10));
    }

    Reconciler(String runner, String advertise, PortRange ports, ContainerPolicy policy, ContainerRuntime runtime,
               Executor actions, Runnable onChange, Clock clock, Duration stopTimeout, Duration pullTimeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.converger = new Converger(runner, Objects.requireNonNull(advertise, "advertise"), ports, policy, runtime,
                new OnStartStep(runtime, policy.stepTimeout()), ledger, clock, stopTimeout, pullTimeout);
        this.workers = new Workers(converger, actions, onChange == null ? () -> { } : onChange);
        this.sshdChecks = new SshdChecks(advertise);
    }

    /**
     * The identity of the Host registry this runner serves (from its registration answer): new containers are
     * labelled with it, and unlisted containers are removed only when they carry it. Null when the Host did
     * not say: then nothing unlisted is removed.
     */
    public void registry(String id) {
        registryId = id;
        converger.registry(id);
    }

    /**
     * The user CA public keys (OpenSSH lines) the Host wants every VPS sshd to trust for certificate logins,
     * from its latest answer. A change runs the start-up step again in the running containers.
     */
    public void userCaKeys(List<String> keys) {
        converger.userCaKeys(keys);
    }

    /**
     * Looks at Docker now and builds the heartbeat. Never throws for Docker trouble: an engine that does not
     * answer is reported as such, with no containers, since none can be known.
     */
    public HeartbeatRequest observe() {
        String version;
        List<ManagedContainer> containers;
        try {
            version = runtime.version();
            containers = runtime.list(Labels.ofRunner(runner));
        } catch (EngineUnreachableException e) {
            seen = Map.of();
            return new HeartbeatRequest(DockerStatus.down(e.getMessage()), List.of());
        }
        Map<String, ManagedContainer> byVps = new LinkedHashMap<>();
        for (ManagedContainer c : containers) {
            String vpsId = c.label(Labels.VPS_ID);
            if (Labels.validVpsId(vpsId)) { // else labelled by hand, or by something else: not one of ours
                byVps.put(vpsId, c);
            }
        }
        byVps.forEach((vpsId, c) -> onItsOwn(vpsId, "look at its container", () -> {
            DesiredVps d = desired.get(vpsId);
            if (d != null) {
                converger.noteExit(d, c);
            }
            if (ledger.newlyFound(vpsId, c.id())) {
                found(vpsId, c);
            }
            return null;
        }));
        seen = Map.copyOf(byVps);
        Map<String, Boolean> ready = sshdChecks.check(byVps.values());
        List<ContainerReport> reports = new ArrayList<>();
        for (var e : byVps.entrySet()) {
            reports.add(onItsOwn(e.getKey(), "report on its container",
                    () -> report(e.getKey(), e.getValue(), ready.getOrDefault(e.getKey(), false))));
        }
        for (DesiredVps d : desired.values()) {
            if (!byVps.containsKey(d.vpsId())) {
                ContainerReport r = onItsOwn(d.vpsId(), "report on it", () -> reportAbsent(d));
                if (r != null) {
                    reports.add(r);
                }
            }
        }
        return new HeartbeatRequest(DockerStatus.up(version), reports);
    }

    /**
     * One VPS's part of the heartbeat: whatever goes wrong with it is logged and reported as
     * {@link ContainerState#UNKNOWN} for this VPS (the Host keeps it as it was being set up, rather than
     * take it for gone), never for the others. Docker not answering is not one VPS's trouble and goes up.
     */
    private static ContainerReport onItsOwn(String vpsId, String task, Supplier<ContainerReport> part) {
        try {
            return part.get();
        } catch (EngineUnreachableException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("vps {}: the runner could not {} for this heartbeat ({}); the other VPS are reported", vpsId,
                    task, ReportText.printable(String.valueOf(e.getMessage()), 300));
            log.debug("vps {}: report failed", vpsId, e);
            return new ContainerReport(vpsId, null, ContainerState.UNKNOWN, null, false, null, null, null);
        }
    }

    private void found(String vpsId, ManagedContainer c) {
        log.info("vps {}: found container {} ({}, port 22 on {}:{})", vpsId, c.name(), c.status(), c.sshHostIp(),
                c.sshPort());
        if (!c.onVpsNetworkOnly()) {
            // Re-made, it would lose its tenant's files; moved while it runs, its sessions would drop.
            log.warn("vps {}: container {} was made by an earlier runner: it is on network(s) {}, where other "
                    + "containers can reach its sshd, and has Docker's default capabilities; it keeps running as it "
                    + "is, moves to network {} at its next start by the runner (ferry vps stop, then start), and "
                    + "gets the reduced capabilities only when it is made again", vpsId, c.name(), c.networks(),
                    ContainerPolicy.NETWORK);
        }
    }

    private ContainerReport report(String vpsId, ManagedContainer c, boolean sshReady) {
        Ledger.Failure f = ledger.failure(vpsId);
        String started = c.startedAt() == null ? null : c.startedAt().toString();
        Ledger.StepDone done = stepDoneIn(vpsId, c);
        String hostKey = done == null ? null : done.hostKey();
        String certificate = done == null ? null : done.certificate();
        ContainerLimits limits = limits(vpsId, c);
        if (f != null) {
            return new ContainerReport(vpsId, c.id(), ContainerState.FAILED, c.sshPort(), false, f.error(), started,
                    hostKey, certificate, limits);
        }
        ContainerState state = switch (c.status()) {
            case "running" -> running(vpsId, c, sshReady);
            case "paused" -> ContainerState.PAUSED;
            case "created", "restarting" -> ContainerState.STARTING;
            default -> ContainerState.STOPPED;
        };
        return new ContainerReport(vpsId, c.id(), state, c.sshPort(), state == ContainerState.RUNNING && sshReady,
                null, started, hostKey, certificate, limits);
    }

    /** What the container really has (a list does not show it): inspected once per container. */
    private ContainerLimits limits(String vpsId, ManagedContainer c) {
        ContainerLimits known = ledger.limits(vpsId, c.id());
        if (known == null) {
            known = runtime.inspect(c.id()).map(ManagedContainer::limits).orElse(null);
            if (known != null) {
                ledger.limits(vpsId, c.id(), known);
            }
        }
        return known;
    }

    /**
     * A running container is reported running once Ferry's sshd has answered in this start of it, and stays so
     * when a later check goes unanswered (a busy sshd, a loaded machine: the report says {@code sshReady}
     * false and the Host keeps the VPS running with a note, rather than refuse its users as being created).
     * {@link #SILENT_CHECKS} in a row run the start-up step again, which starts an sshd that is gone.
     */
    private ContainerState running(String vpsId, ManagedContainer c, boolean sshReady) {
        if (!stepNotBehind(vpsId, c)) {
            return ContainerState.STARTING;
        }
        if (sshReady) {
            ledger.sshdAnswered(vpsId, startOf(c));
            return ContainerState.RUNNING;
        }
        if (!ledger.answeredIn(vpsId, startOf(c))) {
            return ContainerState.STARTING;
        }
        int inARow = ledger.sshdMissed(vpsId);
        if (inARow % SILENT_CHECKS == 0) {
            log.warn("vps {}: its sshd in {} has not answered {} checks in a row: the start-up step runs again to "
                    + "start it", vpsId, c.name(), inARow);
            ledger.sshdSilent(vpsId);
        }
        return ContainerState.RUNNING;
    }

    private static String startOf(ManagedContainer c) {
        return c.id() + "@" + c.startedAt();
    }

    /**
     * The start-up step's last success in this container, or null: the host key it read and the certificate it
     * installed are this container's (it keeps its files across restarts), never an earlier container's.
     */
    private Ledger.StepDone stepDoneIn(String vpsId, ManagedContainer c) {
        Ledger.StepDone done = ledger.stepDone(vpsId);
        return done != null && done.containerId().equals(c.id()) ? done : null;
    }

    /**
     * Whether the sshd that answers can be taken for Ferry's: the step has succeeded in this start of the
     * container, or this agent has not seen it run yet (a container adopted after an agent restart, whose step
     * runs again at once). An sshd answering while the step is pending or running may be the image's own.
     */
    private boolean stepNotBehind(String vpsId, ManagedContainer c) {
        Ledger.StepDone done = ledger.stepDone(vpsId);
        if (done == null) {
            return !workers.inFlight(vpsId) && !ledger.stepFailedBefore(vpsId);
        }
        return done.containerId().equals(c.id()) && Objects.equals(done.startedAt(), c.startedAt());
    }

    /** A desired VPS without a container: failed, being created, to be created, or rightly absent (stopped). */
    private ContainerReport reportAbsent(DesiredVps d) {
        Ledger.Failure f = ledger.failure(d.vpsId());
        ContainerState state;
        if (f != null) {
            state = ContainerState.FAILED;
        } else if (workers.inFlight(d.vpsId())) {
            state = ContainerState.STARTING;
        } else if (d.state() == DesiredState.RUNNING || d.state() == DesiredState.PAUSED) {
            state = ContainerState.MISSING;
        } else if (d.state() == DesiredState.STOPPED) {
            state = ContainerState.STOPPED;
        } else {
            return null;
        }
        return new ContainerReport(d.vpsId(), null, state, null, false, f == null ? null : f.error(), null, null);
    }

    /**
     * Makes Docker converge on the Host's answer: creates, starts, pauses, stops what is listed and removes
     * this runner's containers of VPS that are not. Returns at once; the work runs on the action threads.
     * Uses the containers of the last {@link #observe()} only to decide whether there is work at all.
     */
    public void apply(List<DesiredVps> answer) {
        Map<String, DesiredVps> want = new LinkedHashMap<>();
        for (DesiredVps d : answer) {
            if (!Labels.validVpsId(d.vpsId())) {
                log.warn("ignoring desired VPS with an id that cannot name a container: {}", d.vpsId());
            } else if (d.state() == DesiredState.REMOVED) {
                continue; // as if unlisted: its container goes
            } else {
                want.put(d.vpsId(), d);
            }
        }
        desired = Map.copyOf(want);
        Map<String, ManagedContainer> now = seen;
        for (DesiredVps d : want.values()) {
            ManagedContainer c = now.get(d.vpsId());
            if (converger.plan(d, c) != Action.NONE) {
                workers.submit(d.vpsId(), () -> converger.converge(d, c));
            }
        }
        for (var e : now.entrySet()) {
            ManagedContainer c = e.getValue();
            if (want.containsKey(e.getKey())) {
                continue;
            }
            String owner = c.label(Labels.REGISTRY);
            if (registryId != null && registryId.equals(owner)) {
                workers.submit(e.getKey(), () -> {
                    converger.remove(c);
                    return Converger.Outcome.CHANGED;
                });
            } else if (ledger.newlyLeftAlone(e.getKey(), c.id())) {
                // Another Host's (or a new, empty one's): removing it would lose a VPS that Host still has.
                log.warn("vps {}: container {} is not listed by this Host and belongs to registry {}, not this "
                        + "Host's {}: left alone (docker rm -f {} removes it)", e.getKey(), c.name(), owner,
                        registryId, c.name());
            }
        }
        Set<String> keep = new HashSet<>(want.keySet());
        keep.addAll(now.keySet());
        ledger.retainOnly(keep);
    }

    /** @return true while an action on some VPS still runs (for tests and orderly shutdown) */
    public boolean busy() {
        return workers.busy();
    }

    /** Stops the worker threads; containers keep running. */
    @Override
    public void close() {
        sshdChecks.close();
        workers.close();
    }
}

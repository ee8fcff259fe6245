package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ContainerRuntime;
import dev.ferry.agent.docker.EngineUnreachableException;
import dev.ferry.agent.docker.ManagedContainer;
import dev.ferry.agent.onstart.OnStartStep;
import dev.ferry.agent.onstart.SshBanner;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.HeartbeatRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runner's view of its VPS containers: {@link #observe()} builds a heartbeat from what Docker shows (and
 * whether each sshd answers), {@link #apply(List)} makes Docker converge on the Host's answer. Containers are
 * found by label, never remembered, so containers left by an earlier agent are adopted as they are, with
 * their ports. Actions run on worker threads, one at a time per VPS, so a slow one never delays the
 * heartbeats; {@code onChange} is called after an action so that the loop can report it early.
 */
public final class Reconciler implements AutoCloseable {
    /** Connect and banner timeout of the sshd check; each VPS is checked at most once per heartbeat. */
    public static final Duration BANNER_TIMEOUT = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final String runner;
    private final String advertise;
    private final ContainerRuntime runtime;
    private final Converger converger;
    private final Ledger ledger = new Ledger();
    private final Executor actions;
    private final ExecutorService ownedActions;
    private final ExecutorService probes;
    private final Runnable onChange;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> adopted = ConcurrentHashMap.newKeySet();
    private final Set<String> leftAlone = ConcurrentHashMap.newKeySet();
    private volatile String registryId;
    private volatile Map<String, DesiredVps> desired = Map.of();
    private volatile Map<String, ManagedContainer> seen = Map.of();

    /**
     * @param runner    this runner's name (label {@code ferry.runner})
     * @param advertise the address sshd is checked on and port 22 is published on
     * @param actions   where actions run; null for the reconciler's own small pool
     * @param onChange  called after an action changed something; may be null
     */
    public Reconciler(String runner, String advertise, ContainerRuntime runtime, Executor actions, Runnable onChange) {
        this(runner, advertise, runtime, actions, onChange, Clock.systemUTC(), Duration.ofSeconds(10),
                Duration.ofMinutes(10));
    }

    Reconciler(String runner, String advertise, ContainerRuntime runtime, Executor actions, Runnable onChange,
               Clock clock, Duration stopTimeout, Duration pullTimeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.advertise = Objects.requireNonNull(advertise, "advertise");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.onChange = onChange == null ? () -> { } : onChange;
        this.converger = new Converger(runner, advertise, runtime, new OnStartStep(runtime, OnStartStep.DEFAULT_TIMEOUT),
                ledger, clock, stopTimeout, pullTimeout);
        this.ownedActions = actions == null ? Executors.newFixedThreadPool(4, daemon("ferry-runner-action")) : null;
        this.actions = actions == null ? ownedActions : actions;
        this.probes = Executors.newCachedThreadPool(daemon("ferry-runner-probe"));
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
            if (!Labels.validVpsId(vpsId)) {
                continue; // labelled by hand, or by something else: not one of ours to manage
            }
            byVps.put(vpsId, c);
            DesiredVps d = desired.get(vpsId);
            if (d != null) {
                converger.noteExit(d, c);
            }
            if (adopted.add(c.id())) {
                log.info("vps {}: found container {} ({}, port 22 on {}:{})", vpsId, c.name(), c.status(),
                        c.sshHostIp(), c.sshPort());
            }
        }
        List<String> ids = containers.stream().map(ManagedContainer::id).toList();
        adopted.retainAll(ids);
        leftAlone.retainAll(ids);
        seen = Map.copyOf(byVps);
        Map<String, Boolean> ready = probeAll(byVps.values());
        List<ContainerReport> reports = new ArrayList<>();
        for (var e : byVps.entrySet()) {
            reports.add(report(e.getKey(), e.getValue(), ready.getOrDefault(e.getKey(), false)));
        }
        for (DesiredVps d : desired.values()) {
            if (!byVps.containsKey(d.vpsId())) {
                ContainerReport r = reportAbsent(d);
                if (r != null) {
                    reports.add(r);
                }
            }
        }
        return new HeartbeatRequest(DockerStatus.up(version), reports);
    }

    private ContainerReport report(String vpsId, ManagedContainer c, boolean sshReady) {
        Ledger.Failure f = ledger.failure(vpsId);
        String started = c.startedAt() == null ? null : c.startedAt().toString();
        String hostKey = hostKey(vpsId, c);
        if (f != null) {
            return new ContainerReport(vpsId, c.id(), ContainerState.FAILED, c.sshPort(), false, f.error(), started,
                    hostKey);
        }
        ContainerState state = switch (c.status()) {
            case "running" -> sshReady && stepNotBehind(vpsId, c) ? ContainerState.RUNNING : ContainerState.STARTING;
            case "paused" -> ContainerState.PAUSED;
            case "created", "restarting" -> ContainerState.STARTING;
            default -> ContainerState.STOPPED;
        };
        return new ContainerReport(vpsId, c.id(), state, c.sshPort(), state == ContainerState.RUNNING, null, started,
                hostKey);
    }

    /** The host key the start-up step last reported in this container (it keeps its keys across restarts). */
    private String hostKey(String vpsId, ManagedContainer c) {
        Ledger.StepDone done = ledger.stepDone(vpsId);
        return done != null && done.containerId().equals(c.id()) ? done.hostKey() : null;
    }

    /**
     * Whether the sshd that answers can be taken for Ferry's: the step has succeeded in this start of the
     * container, or this agent has not seen it run yet (a container adopted after an agent restart, whose step
     * runs again at once). An sshd answering while the step is pending or running may be the image's own.
     */
    private boolean stepNotBehind(String vpsId, ManagedContainer c) {
        Ledger.StepDone done = ledger.stepDone(vpsId);
        if (done == null) {
            return !inFlight.contains(vpsId) && !ledger.stepFailedBefore(vpsId);
        }
        return done.containerId().equals(c.id()) && Objects.equals(done.startedAt(), c.startedAt());
    }

    /** A desired VPS without a container: failed, being created, to be created, or rightly absent (stopped). */
    private ContainerReport reportAbsent(DesiredVps d) {
        Ledger.Failure f = ledger.failure(d.vpsId());
        ContainerState state;
        if (f != null) {
            state = ContainerState.FAILED;
        } else if (inFlight.contains(d.vpsId())) {
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

    /** All checks at once, so the slowest VPS costs one timeout, not one each. */
    private Map<String, Boolean> probeAll(Iterable<ManagedContainer> containers) {
        Map<String, CompletableFuture<Boolean>> futures = new HashMap<>();
        for (ManagedContainer c : containers) {
            if (c.isRunning() && c.sshPort() != null) {
                futures.put(c.label(Labels.VPS_ID), CompletableFuture.supplyAsync(
                        () -> SshBanner.answers(advertise, c.sshPort(), BANNER_TIMEOUT), probes));
            }
        }
        Map<String, Boolean> out = new HashMap<>();
        long deadline = System.nanoTime() + BANNER_TIMEOUT.multipliedBy(3).toNanos();
        for (var e : futures.entrySet()) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                out.put(e.getKey(), e.getValue().get(left, TimeUnit.NANOSECONDS));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception ex) {
                out.put(e.getKey(), false);
            }
        }
        return out;
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
                submit(d.vpsId(), () -> converger.converge(d, c));
            }
        }
        for (var e : now.entrySet()) {
            ManagedContainer c = e.getValue();
            if (want.containsKey(e.getKey())) {
                continue;
            }
            String owner = c.label(Labels.REGISTRY);
            if (registryId != null && registryId.equals(owner)) {
                submit(e.getKey(), () -> {
                    converger.remove(c);
                    return true;
                });
            } else if (leftAlone.add(c.id())) {
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

    /** One action per VPS at a time: a VPS whose last action still runs is looked at again next time. */
    private void submit(String vpsId, java.util.concurrent.Callable<Boolean> action) {
        if (!inFlight.add(vpsId)) {
            return;
        }
        try {
            actions.execute(() -> {
                boolean changed = false;
                try {
                    changed = action.call();
                } catch (Throwable t) {
                    // The VPS stays as it is and is looked at again on the next heartbeat.
                    log.warn("vps {}: {}", vpsId, String.valueOf(t.getMessage()));
                    log.debug("vps {}: action failed", vpsId, t);
                    changed = true;
                } finally {
                    inFlight.remove(vpsId);
                }
                if (changed) {
                    onChange.run();
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(vpsId);
            throw e;
        }
    }

    /** @return true while an action on some VPS still runs (for tests and orderly shutdown) */
    public boolean busy() {
        return !inFlight.isEmpty();
    }

    /** Stops the worker threads; containers keep running. */
    @Override
    public void close() {
        probes.shutdownNow();
        if (ownedActions != null) {
            ownedActions.shutdown();
            try {
                if (!ownedActions.awaitTermination(5, TimeUnit.SECONDS)) {
                    ownedActions.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ownedActions.shutdownNow();
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

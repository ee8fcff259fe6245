package dev.ferry.agent.reconcile;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.agent.docker.ContainerRuntime;
import dev.ferry.agent.docker.ContainerRuntimeException;
import dev.ferry.agent.docker.ContainerSpec;
import dev.ferry.agent.docker.EngineUnreachableException;
import dev.ferry.agent.docker.ImageInfo;
import dev.ferry.agent.docker.ManagedContainer;
import dev.ferry.agent.docker.PortRange;
import dev.ferry.agent.docker.PortTakenException;
import dev.ferry.agent.onstart.OnStartStep;
import dev.ferry.keys.HostCertificates;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Does the {@link Action}s for one VPS at a time on the runner's worker threads. Every decision is made
 * again on a fresh inspect before acting, because the snapshot it was planned on may be a few seconds old.
 * The start-up step is not run by an action but handed back as a {@link PendingStep}: it runs in the
 * tenant's container, which may make it hang until its time limit, so it runs on threads of its own.
 */
final class Converger {
    /** The command that keeps a container alive when its image has none; TERM ends it at once. */
    static final List<String> KEEP_ALIVE = List.of("/bin/sh", "-c",
            "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done");
    /** A failed step is tried this many times per container start before the VPS fails. */
    static final int STEP_TRIES = 3;
    /** A refused create is tried again after this long. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);
    /**
     * A missing image is looked for (and pulled) again after each of these waits in turn, in case someone loads
     * it or its registry comes back; after the last try fails it is left failed, instead of pulling for ever,
     * until the VPS is restarted or given another image. About eight minutes in all.
     */
    static final List<Duration> PULL_RETRIES = List.of(Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(120), Duration.ofSeconds(240));

    /** A start whose published port turns out taken is tried this many times, each on the next port. */
    static final int PORT_TRIES = 5;

    /** A run shorter than this that ends by itself is an exit "at once" (Docker resets its backoff after 10 s). */
    static final Duration QUICK_EXIT = Duration.ofSeconds(10);
    /** This many exits at once, each within {@link #QUICK_EXIT_WINDOW} of the last, fail the VPS. */
    static final int QUICK_EXITS = 3;
    static final Duration QUICK_EXIT_WINDOW = Duration.ofMinutes(5);

    private static final Logger log = LoggerFactory.getLogger(Converger.class);

    private final String runner;
    private final String advertise;
    private final PortRange ports;
    private final ContainerPolicy policy;
    private final ContainerRuntime runtime;
    private final OnStartStep step;
    private final Ledger ledger;
    private final Clock clock;
    private final Duration stopTimeout;
    private final Duration pullTimeout;
    private volatile String registryId;
    private volatile List<String> userCaKeys = List.of();

    /** What an action did: whether it changed something, and the start-up step it leaves to run, if any. */
    record Outcome(boolean changed, PendingStep step) {
        static final Outcome UNCHANGED = new Outcome(false, null);
        static final Outcome CHANGED = new Outcome(true, null);

        static Outcome step(DesiredVps d, ManagedContainer c, boolean pauseAfter) {
            return new Outcome(true, new PendingStep(d, c, pauseAfter));
        }
    }

    /** The start-up step to run in container {@code c}, then a pause when {@code pauseAfter}. */
    record PendingStep(DesiredVps d, ManagedContainer c, boolean pauseAfter) {
    }

    Converger(String runner, String advertise, PortRange ports, ContainerPolicy policy, ContainerRuntime runtime,
              OnStartStep step, Ledger ledger, Clock clock, Duration stopTimeout, Duration pullTimeout) {
        this.runner = runner;
        this.advertise = advertise;
        this.ports = ports;
        this.policy = policy;
        this.runtime = runtime;
        this.step = step;
        this.ledger = ledger;
        this.clock = clock;
        this.stopTimeout = stopTimeout;
        this.pullTimeout = pullTimeout;
    }

    /** The Host registry's identity, from the registration: new containers are labelled with it. */
    void registry(String id) {
        registryId = id;
    }

    /**
     * The user CA keys the Host wants every VPS sshd to trust (from its answers): a change runs the start-up
     * step again in every running container.
     */
    void userCaKeys(List<String> keys) {
        userCaKeys = List.copyOf(keys);
    }

    /**
     * The failure that keeps the runner from trying again, or null. A failure the Host has moved past is
     * forgotten: the VPS is no longer meant to run (a stop, then a start, is how a failed VPS is tried again)
     * or its image changed. One whose retry time has come stands no more, but is still reported until the
     * new attempt creates the container, so the VPS does not flicker between failed and assigning.
     */
    Ledger.Failure standingFailure(DesiredVps d) {
        Ledger.Failure f = ledger.failure(d.vpsId());
        if (f == null) {
            return null;
        }
        if (!wantsUp(d) || !f.image().equals(d.image())) {
            ledger.clearFailure(d.vpsId());
            return null;
        }
        return f.retryAt() != null && !clock.instant().isBefore(f.retryAt()) ? null : f;
    }

    /**
     * Fails a VPS whose container keeps ending right after it starts, which Docker's restart policy would
     * otherwise repeat for ever while the VPS waits in {@code assigning}. Only Docker's own restarts count
     * (status {@code restarting}): a stop, by the runner or by hand, is not an exit of the image's command.
     */
    void noteExit(DesiredVps d, ManagedContainer c) {
        Duration ran = c.lastRun();
        if (!wantsUp(d) || !c.isRestarting() || ran == null || ran.compareTo(QUICK_EXIT) >= 0
                || standingFailure(d) != null) {
            return;
        }
        int n = ledger.quickExit(d.vpsId(), c.id(), c.startedAt(), c.finishedAt(), QUICK_EXIT_WINDOW);
        log.debug("vps {}: container {} ended by itself after {} ms (exit code {})", d.vpsId(), c.name(),
                ran.toMillis(), c.exitCode());
        if (n >= QUICK_EXITS) {
            fail(d, "the container of image " + d.image() + " keeps stopping right after it starts (its command "
                    + "exited with code " + c.exitCode() + ", " + n + " times within " + QUICK_EXIT.toSeconds()
                    + " s of starting): an image's own command must keep running, like a server or an init (one "
                    + "with no command, or a bare shell, is kept alive by Ferry); fix the image, then restart the "
                    + "VPS (ferry vps restart " + d.vpsId() + ")", null);
        }
    }

    /** @return the next action on the snapshot {@code seen}; cheap, no Docker call */
    Action plan(DesiredVps d, ManagedContainer seen) {
        // a step wanted again (its sshd went silent) plans as if none had run in this start
        Ledger.StepDone step = ledger.stepWanted(d.vpsId()) ? null : ledger.stepDone(d.vpsId());
        return Action.plan(d, seen, standingFailure(d), step, userCaKeys);
    }

    /**
     * Brings the container one step closer to {@code d}.
     *
     * @param seen the container in the last snapshot, or null
     * @return whether it changed something (worth an early heartbeat), and the start-up step left to run
     */
    Outcome converge(DesiredVps d, ManagedContainer seen) {
        if (plan(d, seen) == Action.NONE) {
            return Outcome.UNCHANGED;
        }
        ManagedContainer c = runtime.inspect(Labels.containerName(d.vpsId())).orElse(null);
        Action a = plan(d, c);
        switch (a) {
            case NONE -> {
                return Outcome.UNCHANGED;
            }
            case CREATE -> {
                return create(d);
            }
            case START -> {
                if (!c.onVpsNetworkOnly()) {
                    log.info("vps {}: moving container {} from network(s) {} to {} before it starts", d.vpsId(),
                            c.name(), c.networks(), ContainerPolicy.NETWORK);
                    runtime.moveToNetwork(c.id(), ContainerPolicy.NETWORK);
                }
                log.info("vps {}: starting container {}", d.vpsId(), c.name());
                start(d, c.id());
                return Outcome.step(d, fresh(c), false);
            }
            case RUN_STEP -> {
                return Outcome.step(d, c, d.state() == DesiredState.PAUSED);
            }
            case PAUSE -> pause(d, c);
            case UNPAUSE -> {
                log.info("vps {}: resuming container {}", d.vpsId(), c.name());
                runtime.unpause(c.id());
            }
            case STOP -> stop(c);
            case REMOVE -> remove(c);
            default -> throw new IllegalStateException("unplanned action " + a);
        }
        return Outcome.CHANGED;
    }

    /**
     * Runs a start-up step an action left, and pauses the container after it when asked and it succeeded.
     *
     * @return true (the step changed what the heartbeat reports, whatever its outcome)
     */
    boolean runStep(PendingStep s) {
        if (runStep(s.d(), s.c()) && s.pauseAfter()) {
            pause(s.d(), s.c());
        }
        return true;
    }

    /**
     * Starts a container, again when the host port Docker picked for its sshd was taken by another socket: each
     * start picks the next port of the range (measured: a start on a held port failed, the next one published on
     * the following port). Seen for real with the bastion's outgoing connections on a Host that is also a runner.
     */
    private void start(DesiredVps d, String id) {
        for (int attempt = 1; ; attempt++) {
            try {
                runtime.start(id);
                return;
            } catch (PortTakenException e) {
                if (attempt == PORT_TRIES) {
                    throw e;
                }
                log.info("vps {}: the port Docker picked for its sshd is taken by another socket ({}); starting "
                        + "again on another", d.vpsId(), e.getMessage());
            }
        }
    }

    /** Stops a paused container too: it is resumed first so that it gets its TERM. */
    void stop(ManagedContainer c) {
        log.info("vps {}: stopping container {}", c.label(Labels.VPS_ID), c.name());
        if (c.isPaused()) {
            runtime.unpause(c.id());
        }
        runtime.stop(c.id(), stopTimeout);
    }

    void remove(ManagedContainer c) {
        log.info("vps {}: removing container {}", c.label(Labels.VPS_ID), c.name());
        runtime.remove(c.id());
    }

    private void pause(DesiredVps d, ManagedContainer c) {
        log.info("vps {}: pausing container {}", d.vpsId(), c.name());
        runtime.pause(c.id());
    }

    private Outcome create(DesiredVps d) {
        Optional<ImageInfo> image = imageOrPull(d);
        if (image.isEmpty()) {
            return Outcome.CHANGED;
        }
        String publishIp;
        try {
            publishIp = InetAddress.getByName(advertise).getHostAddress();
        } catch (UnknownHostException e) {
            fail(d, "the runner's advertised address " + advertise + " does not resolve, so port 22 cannot be "
                    + "published on it: fix --advertise", RETRY_AFTER);
            return Outcome.CHANGED;
        }
        String name = Labels.containerName(d.vpsId());
        ContainerSpec spec = new ContainerSpec(name, hostname(d), d.image(),
                image.get().hasLongRunningCommand() ? null : KEEP_ALIVE, Labels.of(d.vpsId(), runner, registryId),
                policy.nanoCpus(d.cpus()), policy.memoryBytes(d.memoryBytes()), publishIp, ports, policy);
        String id;
        try {
            id = runtime.create(spec);
        } catch (EngineUnreachableException e) {
            throw e;
        } catch (ContainerRuntimeException e) {
            fail(d, "the runner could not create the container for image " + d.image() + ": " + e.getMessage(),
                    RETRY_AFTER);
            return Outcome.CHANGED;
        }
        ledger.clearFailure(d.vpsId()); // a new attempt is under way
        log.info("vps {}: created container {} from {} ({}, port 22 on {})", d.vpsId(), name, d.image(),
                spec.cmd() == null ? "image's command" : "kept alive by the runner", publishIp);
        try {
            start(d, id);
        } catch (EngineUnreachableException e) {
            throw e;
        } catch (ContainerRuntimeException e) {
            runtime.remove(id); // a container that cannot start would only hold the name
            fail(d, "the container of image " + d.image() + " could not start: " + e.getMessage(), RETRY_AFTER);
            return Outcome.CHANGED;
        }
        return runtime.inspect(id).map(c -> Outcome.step(d, c, false)).orElse(Outcome.CHANGED);
    }

    private Optional<ImageInfo> imageOrPull(DesiredVps d) {
        Optional<ImageInfo> image = runtime.image(d.image());
        if (image.isPresent()) {
            return image;
        }
        String why;
        try {
            log.info("vps {}: image {} is not on this runner, pulling it", d.vpsId(), d.image());
            runtime.pull(d.image(), pullTimeout);
            image = runtime.image(d.image());
            why = "the pull brought nothing";
        } catch (EngineUnreachableException e) {
            throw e;
        } catch (ContainerRuntimeException e) {
            why = e.getMessage();
        }
        if (image.isEmpty()) {
            Ledger.Failure before = ledger.failure(d.vpsId());
            int pulls = before != null && before.pulls() > 0 && before.image().equals(d.image())
                    ? before.pulls() + 1 : 1;
            Duration retry = pulls <= PULL_RETRIES.size() ? PULL_RETRIES.get(pulls - 1) : null;
            String error = "image " + d.image() + " is not on runner " + runner + " and could not be pulled (" + why
                    + "): build or load it there (docker build, docker load) or make its registry reachable"
                    + (retry != null ? "; it is looked for again in " + retry.toSeconds() + " s (try " + pulls
                    + " of " + (PULL_RETRIES.size() + 1) + ")"
                    : "; tried " + pulls + " times, it is not looked for again until the VPS is restarted (ferry vps "
                    + "restart " + d.vpsId() + ")");
            fail(d, error, retry, pulls);
        }
        return image;
    }

    /**
     * The Host's certificate unless it is known to certify another key than this container's sshd reported: the
     * Host certifies what it was told at an earlier heartbeat, and a re-created container has a new key, which the
     * Host certifies once it has been reported (the step then runs again, its certificate having changed). A
     * runner that has not run the step in this container yet (it restarted) passes it: the step installs it only
     * when it certifies the container's key, and keeps the one installed before while that one does.
     */
    private String certificateFor(DesiredVps d, ManagedContainer c) {
        Ledger.StepDone before = ledger.stepDone(d.vpsId());
        if (d.hostCertificate() == null || before == null || !before.containerId().equals(c.id())
                || before.hostKey() == null) {
            return d.hostCertificate();
        }
        if (!HostCertificates.certifies(d.hostCertificate(), before.hostKey())) {
            log.info("vps {}: the Host's host certificate is for another key than {}'s sshd reported; it waits for "
                    + "the Host to certify the new one", d.vpsId(), c.name());
            return null;
        }
        return d.hostCertificate();
    }

    /** @return true when sshd now runs with the current keys */
    private boolean runStep(DesiredVps d, ManagedContainer c) {
        rename(d, c);
        List<String> caKeys = userCaKeys;
        String cert = certificateFor(d, c);
        OnStartStep.Result r = step.run(c.id(), d.vpsId(), d.image(), d.authorizedKeys(), d.loginKeys(), caKeys,
                cert, OnStartStep.PersonCertificates.of(d.clientCaKey(), d.certificateLogins()));
        switch (r.outcome()) {
            case OK -> {
                ledger.stepSucceeded(d.vpsId(), new Ledger.StepDone(c.id(), c.startedAt(), Action.keysHash(d, caKeys),
                        r.hostKey(), r.hostCertificate()));
                log.info("vps {}: start-up step done in {} ({} keys, {} user CA keys, {}, started {})", d.vpsId(),
                        c.name(), d.authorizedKeys().size(), caKeys.size(), r.hostCertificate() == null
                                ? "no host certificate" : "host certificate " + r.hostCertificate(), c.startedAt());
                return true;
            }
            case NO_SSHD -> {
                // Nothing is left running: the container is useless with this image. The failure is recorded
                // once the removal has been tried, so that a VPS reported failed has no container left.
                try {
                    runtime.remove(c.id());
                } finally {
                    fail(d, r.message(), null);
                }
                return false;
            }
            case HUNG -> {
                // Another try would hold a step thread for another whole time limit: the user restarts it.
                fail(d, r.message() + "; fix the image, then restart the VPS (ferry vps restart " + d.vpsId() + ")",
                        null);
                runtime.stop(c.id(), stopTimeout);
                return false;
            }
            default -> {
                int n = ledger.stepFailed(d.vpsId(), c.id(), c.startedAt());
                if (n >= STEP_TRIES) {
                    fail(d, r.message(), null);
                    runtime.stop(c.id(), stopTimeout);
                } else {
                    log.warn("vps {}: start-up step failed (try {} of {}), trying again: {}", d.vpsId(), n,
                            STEP_TRIES, r.message());
                }
                return false;
            }
        }
    }

    /**
     * A renamed VPS keeps the name of its container's create (Docker cannot change it, and re-creating the
     * container would lose the tenant's files): the runner gives it the new one after each start. Not being able
     * to (a runner away from its engine) leaves only the name in the prompt wrong, so the VPS goes on.
     */
    private void rename(DesiredVps d, ManagedContainer c) {
        String name = hostname(d);
        try {
            if (runtime.rename(c.id(), name)) {
                log.info("vps {}: host name {} given to container {}", d.vpsId(), name, c.name());
            }
        } catch (EngineUnreachableException e) {
            throw e;
        } catch (ContainerRuntimeException e) {
            log.warn("vps {}: container {} keeps the host name of its create, not {}: {}", d.vpsId(), c.name(),
                    name, e.getMessage());
        }
    }

    private void fail(DesiredVps d, String error, Duration retryAfter) {
        fail(d, error, retryAfter, 0);
    }

    /** @param pulls failed pulls of the image in a row, for a missing image; else 0 */
    private void fail(DesiredVps d, String error, Duration retryAfter, int pulls) {
        log.warn("vps {}: failed: {}", d.vpsId(), error);
        ledger.fail(d.vpsId(), new Ledger.Failure(error, d.image(),
                retryAfter == null ? null : clock.instant().plus(retryAfter), pulls));
    }

    private ManagedContainer fresh(ManagedContainer c) {
        return runtime.inspect(c.id()).orElseThrow(() -> new ContainerRuntimeException(
                "container " + c.name() + " disappeared while it was being started"));
    }

    private static boolean wantsUp(DesiredVps d) {
        return d.state() == DesiredState.RUNNING || d.state() == DesiredState.PAUSED;
    }

    /** The VPS's name when it has one, else {@code vps-<id>}: what a user sees in the prompt. */
    static String hostname(DesiredVps d) {
        String n = d.name();
        return n != null && n.matches("[a-z][a-z0-9-]{0,62}") ? n : "vps-" + d.vpsId();
    }
}

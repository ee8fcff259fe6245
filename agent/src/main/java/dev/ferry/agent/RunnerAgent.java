package dev.ferry.agent;

import dev.ferry.agent.docker.ContainerRuntime;
import dev.ferry.agent.docker.DockerRuntime;
import dev.ferry.agent.docker.EngineInfo;
import dev.ferry.agent.docker.EngineUnreachableException;
import dev.ferry.agent.host.HostException;
import dev.ferry.agent.host.HostLink;
import dev.ferry.agent.host.HttpHostLink;
import dev.ferry.agent.host.NotRegisteredException;
import dev.ferry.agent.host.RefusedException;
import dev.ferry.agent.host.RunnerCredential;
import dev.ferry.agent.host.SupersededException;
import dev.ferry.agent.host.UnknownCredentialException;
import dev.ferry.agent.reconcile.Reconciler;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterAnswer;
import dev.ferry.protocol.RegisterRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The runner agent ({@code ferry runner}): one background loop that registers with the Host, then on every
 * heartbeat looks at Docker, reports, and reconciles against the Host's answer. {@link #start} returns at
 * once. {@link #close()} stops the loop but not the containers: they keep running, and a new runner with the
 * same name adopts them by their labels.
 */
public final class RunnerAgent implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunnerAgent.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Early heartbeats after an action are welcome, a storm of them is not. */
    private static final Duration MIN_GAP = Duration.ofMillis(200);

    private final RunnerConfig config;
    private final HostLink host;
    private final ContainerRuntime runtime;
    private final Reconciler reconciler;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean registered;
    private volatile Duration interval;
    private volatile String session;
    private final CompletableFuture<String> superseded = new CompletableFuture<>();
    private final CompletableFuture<String> refused = new CompletableFuture<>();
    private volatile String credential;
    private Duration backoff = FIRST_BACKOFF;
    private Boolean hostOk;
    private Boolean dockerOk;

    private RunnerAgent(RunnerConfig config, HostLink host, ContainerRuntime runtime) {
        this.config = Objects.requireNonNull(config, "config");
        this.host = Objects.requireNonNull(host, "host");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.interval = config.heartbeat();
        this.reconciler = new Reconciler(config.name(), config.advertise(), config.ports(), config.containers(), runtime,
                null, wake::release);
        this.thread = new Thread(this::loop, "ferry-runner-" + config.name());
        this.thread.setDaemon(true);
    }

    /** Starts a runner on the Docker engine and Host of {@code config}. */
    public static RunnerAgent start(RunnerConfig config) {
        return start(config, new HttpHostLink(config.hostUrl(), HttpHostLink.DEFAULT_TIMEOUT, config.hostPin()),
                DockerRuntime.connect(config.dockerHost()));
    }

    /**
     * Starts a runner with the given Host link and container runtime (tests, embedding). The runner owns both
     * from now on and closes them in {@link #close()}.
     */
    public static RunnerAgent start(RunnerConfig config, HostLink host, ContainerRuntime runtime) {
        RunnerAgent r = new RunnerAgent(config, host, runtime);
        log.info("runner {} starting: Host {}, Docker {}, VPS published on {}", config.name(), config.hostUrl(),
                runtime.dockerHost(), config.advertise());
        r.thread.start();
        return r;
    }

    /** @return whether the Host has accepted this runner's registration (and not forgotten it since) */
    public boolean registered() {
        return registered;
    }

    /**
     * @return completed with the Host's reason when another process registered under this runner's name and
     *     this runner stopped its loop (it manages nothing any more); never completed otherwise
     */
    public CompletableFuture<String> superseded() {
        return superseded;
    }

    /**
     * @return completed with the Host's reason when the Host refused this runner for good (its credential is
     *     unknown, or its enrollment was refused) and the runner stopped its loop; never completed otherwise
     */
    public CompletableFuture<String> refused() {
        return refused;
    }

    /** @return the configuration it runs with */
    public RunnerConfig config() {
        return config;
    }

    /** Stops the loop and releases the Host link and Docker client. The VPS containers keep running. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Wake the loop rather than interrupt it: an interrupt in the middle of a Docker or Host call
        // would only turn into a confusing error. Interrupt only a loop that does not end on its own.
        wake.release();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(TimeUnit.SECONDS.toMillis(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reconciler.close();
        host.close();
        runtime.close();
        log.info("runner {} stopped; its containers keep running", config.name());
    }

    private void loop() {
        while (!closed) {
            Duration next = interval;
            try {
                next = tick();
            } catch (Throwable t) {
                if (closed) {
                    break;
                }
                // The loop is the runner: whatever went wrong this time, it goes on next time.
                log.error("runner {}: unexpected error in the heartbeat loop (trying again in {} ms)", config.name(),
                        next.toMillis(), t);
            }
            pause(next);
        }
    }

    /** @return how long to wait before the next tick */
    private Duration tick() {
        try {
            return beat();
        } catch (RefusedException e) {
            log.error("runner {}: {}; it stops", config.name(), e.getMessage());
            closed = true; // trying again changes nothing: an admin has to act
            refused.complete(e.getMessage());
            return Duration.ZERO;
        }
    }

    private Duration beat() throws RefusedException {
        if (!registered) {
            if (!register()) {
                Duration wait = backoff;
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                return wait;
            }
            backoff = FIRST_BACKOFF;
        }
        HeartbeatRequest request = reconciler.observe();
        dockerState(request.docker());
        HeartbeatAnswer answer;
        try {
            answer = host.heartbeat(credential, config.name(), request.withSession(session));
            hostState(true, null);
        } catch (SupersededException e) {
            log.error("runner {}: {}", config.name(), e.getMessage());
            closed = true; // the loop ends; the containers stay with the process registered since
            superseded.complete(e.getMessage());
            return Duration.ZERO;
        } catch (NotRegisteredException e) {
            log.info("runner {}: {}; registering again", config.name(), e.getMessage());
            registered = false;
            return Duration.ZERO;
        } catch (UnknownCredentialException e) {
            log.warn("runner {}: {}; registering again", config.name(), e.getMessage());
            registered = false; // the registration says whether it can enroll again
            return Duration.ZERO;
        } catch (RefusedException e) {
            throw e;
        } catch (HostException e) {
            hostState(false, e.getMessage());
            return interval;
        }
        reconciler.userCaKeys(answer.userCaKeys());
        if (request.docker().ok()) {
            reconciler.apply(answer.vps());
        }
        return interval;
    }

    private boolean register() throws RefusedException {
        DockerStatus docker;
        int cpus = Runtime.getRuntime().availableProcessors();
        long memory = machineMemory();
        try {
            EngineInfo info = runtime.engineInfo();
            docker = DockerStatus.up(info.version());
            cpus = info.cpus();
            memory = info.memoryBytes() > 0 ? info.memoryBytes() : memory;
        } catch (EngineUnreachableException e) {
            docker = DockerStatus.down(e.getMessage());
        }
        dockerState(docker);
        RegisterRequest request = new RegisterRequest(config.name(), config.advertise(), cpus, memory, docker);
        try {
            if (credential == null) {
                credential = keptOrEnrolled();
            }
            RegisterAnswer a;
            try {
                a = host.register(credential, request);
            } catch (UnknownCredentialException e) {
                // removed, another Host, or an enrollment that never arrived: enroll again, with a new credential.
                // Should that answer be lost too, the next try proves what the file holds by then
                credential = null;
                credential = enrollAgain(e);
                a = host.register(credential, request);
            }
            hostState(true, null);
            reconciler.registry(a.registryId());
            reconciler.userCaKeys(a.userCaKeys());
            session = a.session();
            Duration asked = Duration.ofSeconds(a.heartbeatSeconds());
            interval = a.heartbeatSeconds() > 0 && asked.compareTo(config.heartbeat()) < 0 ? asked : config.heartbeat();
            registered = true;
            log.info("runner {} registered with the Host at {} (heartbeat every {} ms)", config.name(),
                    config.hostUrl(), interval.toMillis());
            return true;
        } catch (RefusedException e) {
            throw e;
        } catch (HostException e) {
            hostState(false, e.getMessage());
            return false;
        }
    }

    /** The credential kept in the configured file, or a new one, enrolled with the join token. */
    private String keptOrEnrolled() throws HostException {
        Path file = config.credentialFile();
        try {
            Optional<String> kept = RunnerCredential.read(file);
            if (kept.isPresent()) {
                return kept.get();
            }
        } catch (IOException e) {
            throw new RefusedException(e.getMessage());
        }
        if (config.joinToken() == null) {
            throw new RefusedException("runner " + config.name() + " has no credential at " + file + " and no join "
                    + "token to enroll with: pass --token-file with the Host's runner.token or a one-time token "
                    + "from: ferry node token");
        }
        return enroll();
    }

    private String enrollAgain(UnknownCredentialException refused) throws HostException {
        if (config.joinToken() == null) {
            throw new RefusedException(refused.getMessage() + "; to enroll this runner again (its credential in "
                    + config.credentialFile() + " is no longer known), start it with --token-file holding a join "
                    + "token: the Host's runner.token, or one from: ferry node token");
        }
        log.warn("runner {}: {}; enrolling again with a new credential", config.name(), refused.getMessage());
        return enroll();
    }

    /**
     * Makes a new credential, keeps it (0600) before anything is sent, and enrolls its digest: an answer lost on the
     * way leaves a credential the Host knows, which the next registration proves.
     */
    private String enroll() throws HostException {
        Path file = config.credentialFile();
        String made = Credentials.create();
        try {
            RunnerCredential.write(file, made);
        } catch (IOException e) {
            throw new RefusedException("runner " + config.name() + " cannot keep its credential at " + file + " ("
                    + e.getMessage() + "): fix --credential-file");
        }
        host.enroll(config.joinToken(), new EnrollRequest(config.name(), config.advertise(), config.ports().min(),
                config.ports().max(), Credentials.digest(made)));
        log.info("runner {} enrolled with the Host at {}: address {}, ports {}; its credential is in {}", config.name(),
                config.hostUrl(), config.advertise(), config.ports(), file);
        return made;
    }

    /** One log line per change, not per attempt: a Host down for an hour is one line, and one when it is back. */
    private void hostState(boolean ok, String why) {
        if (hostOk == null || hostOk != ok) {
            if (ok) {
                if (hostOk != null) {
                    log.info("runner {}: the Host at {} answers again", config.name(), config.hostUrl());
                }
            } else {
                log.warn("runner {}: {}; retrying until it answers", config.name(), why);
            }
            hostOk = ok;
        }
    }

    private void dockerState(DockerStatus docker) {
        if (dockerOk == null || dockerOk != docker.ok()) {
            if (docker.ok()) {
                log.info("runner {}: Docker {} at {} answers", config.name(), docker.version(), runtime.dockerHost());
            } else {
                log.warn("runner {}: {}; reporting it to the Host and retrying", config.name(), docker.error());
            }
            dockerOk = docker.ok();
        }
    }

    private void pause(Duration d) {
        try {
            // An action that changed something releases the semaphore: report it now rather than in 5 s.
            if (wake.tryAcquire(Math.max(0, d.toMillis()), TimeUnit.MILLISECONDS) && !closed) {
                wake.drainPermits();
                Thread.sleep(MIN_GAP.toMillis());
            }
        } catch (InterruptedException e) {
            // close() interrupts to end the wait; the loop then sees closed and ends
        }
    }

    private static long machineMemory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 0;
    }
}

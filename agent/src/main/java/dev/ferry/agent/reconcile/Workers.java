package dev.ferry.agent.reconcile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the actions run: on worker threads, one at a time per VPS, so a slow one never delays the heartbeats.
 * The start-up step an action leaves runs on threads of its own (one per VPS whose step runs), since a tenant's
 * container can make it hang until its time limit, so a hung one never keeps the action threads from other VPS.
 */
final class Workers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workers.class);

    private final Converger converger;
    private final Executor actions;
    private final Executor steps;
    private final ExecutorService ownedActions;
    private final ExecutorService ownedSteps;
    private final Runnable onChange;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * @param actions  where actions and start-up steps run; null for pools of its own
     * @param onChange called after an action changed something
     */
    Workers(Converger converger, Executor actions, Runnable onChange) {
        this.converger = converger;
        this.onChange = onChange;
        this.ownedActions = actions == null ? Executors.newFixedThreadPool(4, daemon("ferry-runner-action")) : null;
        this.actions = actions == null ? ownedActions : actions;
        // Unbounded on purpose: at most one step per VPS runs (see submit), each ends within its time limit,
        // and execs have their own engine connections (ContainerRuntime.exec).
        this.ownedSteps = actions == null ? Executors.newCachedThreadPool(daemon("ferry-runner-step")) : null;
        this.steps = actions == null ? ownedSteps : actions;
    }

    /**
     * One action per VPS at a time: a VPS whose last action (or the start-up step it left) still runs is looked
     * at again next time. The step goes on to the step threads and the VPS stays in flight until it ends.
     */
    void submit(String vpsId, Callable<Converger.Outcome> action) {
        if (!inFlight.add(vpsId)) {
            return;
        }
        try {
            actions.execute(() -> {
                Converger.Outcome o = attempt(vpsId, "action", action);
                if (o.step() == null) {
                    done(vpsId, o.changed());
                    return;
                }
                try {
                    steps.execute(() -> done(vpsId, attempt(vpsId, "start-up step",
                            () -> new Converger.Outcome(converger.runStep(o.step()), null)).changed()));
                } catch (RejectedExecutionException e) {
                    done(vpsId, true); // closing: the step runs again after the next start of the runner
                }
            });
        } catch (RuntimeException e) {
            inFlight.remove(vpsId);
            throw e;
        }
    }

    /** The VPS stays as it is after a failure and is looked at again on the next heartbeat. */
    private static Converger.Outcome attempt(String vpsId, String kind, Callable<Converger.Outcome> work) {
        try {
            return work.call();
        } catch (Throwable t) {
            log.warn("vps {}: {}", vpsId, String.valueOf(t.getMessage()));
            log.debug("vps {}: {} failed", vpsId, kind, t);
            return Converger.Outcome.CHANGED;
        }
    }

    private void done(String vpsId, boolean changed) {
        inFlight.remove(vpsId);
        if (changed) {
            onChange.run();
        }
    }

    /** @return true while an action on the VPS, or the start-up step it left, still runs */
    boolean inFlight(String vpsId) {
        return inFlight.contains(vpsId);
    }

    /** @return true while an action on some VPS still runs */
    boolean busy() {
        return !inFlight.isEmpty();
    }

    /** Stops its own threads, letting what runs end first (for a few seconds). */
    @Override
    public void close() {
        if (ownedActions != null) {
            shutdown(ownedActions);
            shutdown(ownedSteps);
        }
    }

    private static void shutdown(ExecutorService pool) {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

package dev.ferry.agent.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the runner remembers about its VPS between heartbeats, in memory only: Docker's labels are the
 * durable record, and everything here is rebuilt safely after a restart (the start-up step is idempotent
 * and simply runs once more on adopted containers).
 */
final class Ledger {

    /**
     * A VPS that cannot run.
     *
     * @param error   the sentence for the user
     * @param image   the image it failed with: a new image is a new attempt
     * @param retryAt when to try again, or null for never while the VPS is meant to run (a stop or a new image
     *                clears it)
     * @param pulls   how many pulls of the image in a row have failed for it; 0 for other failures
     */
    record Failure(String error, String image, Instant retryAt, int pulls) {
    }

    /**
     * The start-up step succeeded in this container for this start and these keys.
     *
     * @param keysHash    of the authorized keys and user CA keys it installed (see {@link Action#keysHash})
     * @param hostKey     the container sshd's host key the step reported, checked, or null
     * @param certificate the fingerprint of the host certificate the step installed, or null
     */
    record StepDone(String containerId, Instant startedAt, int keysHash, String hostKey, String certificate) {
    }

    /** Failed start-up steps for one start of one container. */
    record StepAttempts(String containerId, Instant startedAt, int count) {
    }

    /** Runs of one container that ended by themselves soon after they started: start -> end. */
    record QuickExits(String containerId, SortedMap<Instant, Instant> runs) {
    }

    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, StepDone> steps = new ConcurrentHashMap<>();
    private final Map<String, StepAttempts> attempts = new ConcurrentHashMap<>();
    private final Map<String, QuickExits> quickExits = new ConcurrentHashMap<>();
    private final Set<String> sshdSilent = ConcurrentHashMap.newKeySet();

    Failure failure(String vpsId) {
        return failures.get(vpsId);
    }

    /** Records the failure; the count of quick exits starts again from nothing for the next attempt. */
    void fail(String vpsId, Failure failure) {
        failures.put(vpsId, failure);
        quickExits.remove(vpsId);
    }

    void clearFailure(String vpsId) {
        failures.remove(vpsId);
    }

    StepDone stepDone(String vpsId) {
        return steps.get(vpsId);
    }

    void stepSucceeded(String vpsId, StepDone done) {
        steps.put(vpsId, done);
        attempts.remove(vpsId);
        sshdSilent.remove(vpsId);
    }

    /** Notes that the sshd the step started no longer answers: the step is to run again, to start it. */
    void sshdSilent(String vpsId) {
        sshdSilent.add(vpsId);
    }

    /** @return true when the step is to run again because its sshd went silent (until it succeeds) */
    boolean stepWanted(String vpsId) {
        return sshdSilent.contains(vpsId);
    }

    /** @return true when the step has failed since it last succeeded for this VPS */
    boolean stepFailedBefore(String vpsId) {
        return attempts.containsKey(vpsId);
    }

    /** @return how many times the step has now failed for this start of this container */
    int stepFailed(String vpsId, String containerId, Instant startedAt) {
        return attempts.compute(vpsId, (k, a) -> a != null && a.containerId().equals(containerId)
                && java.util.Objects.equals(a.startedAt(), startedAt)
                ? new StepAttempts(containerId, startedAt, a.count() + 1)
                : new StepAttempts(containerId, startedAt, 1)).count();
    }

    /**
     * Notes a run of the VPS's container that ended by itself soon after it started; runs of another
     * container, and runs that ended more than {@code window} before this one, no longer count.
     *
     * @return how many such runs now count, this one included (the same run noted twice counts once)
     */
    int quickExit(String vpsId, String containerId, Instant startedAt, Instant finishedAt, Duration window) {
        return quickExits.compute(vpsId, (k, q) -> {
            SortedMap<Instant, Instant> runs = new TreeMap<>();
            if (q != null && q.containerId().equals(containerId)) {
                q.runs().forEach((start, end) -> {
                    if (!end.isBefore(finishedAt.minus(window))) {
                        runs.put(start, end);
                    }
                });
            }
            runs.put(startedAt, finishedAt);
            return new QuickExits(containerId, runs);
        }).runs().size();
    }

    /** Drops everything about VPS that are neither desired nor have a container. */
    void retainOnly(Set<String> vpsIds) {
        failures.keySet().retainAll(vpsIds);
        steps.keySet().retainAll(vpsIds);
        attempts.keySet().retainAll(vpsIds);
        quickExits.keySet().retainAll(vpsIds);
        sshdSilent.retainAll(vpsIds);
    }
}

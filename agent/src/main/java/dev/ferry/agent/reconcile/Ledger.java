package dev.ferry.agent.reconcile;

import dev.ferry.protocol.ContainerLimits;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the runner remembers about its VPS between heartbeats, in memory only: Docker's labels are the
 * durable record, and everything here is rebuilt safely after a restart (the start-up step is idempotent
 * and simply runs once more on adopted containers). All of it about one VPS is in one {@link Memory}, so
 * forgetting a VPS forgets everything about it.
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

    /**
     * Everything remembered about one VPS. Touched only under the ledger's lock, which is held for a few field
     * reads and writes at a time (by the heartbeat thread and the one action or step that runs for a VPS).
     */
    private static final class Memory {
        Failure failure;
        StepDone stepDone;
        StepAttempts stepAttempts;
        /** The sshd the step started no longer answers: the step is to run again, to start it. */
        boolean sshdSilent;
        QuickExits quickExits;
        /** The start of its container ({@code id@startedAt}) in which Ferry's sshd has answered a check. */
        String answeredIn;
        /** The checks in a row its sshd has left unanswered since it answered in that start. */
        int missed;
        /** The container whose finding was logged. */
        String found;
        /** The container, of another registry, that was logged as left alone. */
        String leftAlone;
        /** The limits of container {@link #limitsOf}, read once: Docker keeps them for the container's life. */
        String limitsOf;
        ContainerLimits limits;
    }

    /** Read for a VPS with nothing remembered; never written. */
    private static final Memory NOTHING = new Memory();

    private final Map<String, Memory> vps = new HashMap<>();

    private Memory of(String vpsId) {
        return vps.getOrDefault(vpsId, NOTHING);
    }

    private Memory changing(String vpsId) {
        return vps.computeIfAbsent(vpsId, k -> new Memory());
    }

    synchronized Failure failure(String vpsId) {
        return of(vpsId).failure;
    }

    /** Records the failure; the count of quick exits starts again from nothing for the next attempt. */
    synchronized void fail(String vpsId, Failure failure) {
        Memory m = changing(vpsId);
        m.failure = failure;
        m.quickExits = null;
    }

    synchronized void clearFailure(String vpsId) {
        changing(vpsId).failure = null;
    }

    synchronized StepDone stepDone(String vpsId) {
        return of(vpsId).stepDone;
    }

    synchronized void stepSucceeded(String vpsId, StepDone done) {
        Memory m = changing(vpsId);
        m.stepDone = done;
        m.stepAttempts = null;
        m.sshdSilent = false;
    }

    /** Notes that the sshd the step started no longer answers: the step is to run again, to start it. */
    synchronized void sshdSilent(String vpsId) {
        changing(vpsId).sshdSilent = true;
    }

    /** @return true when the step is to run again because its sshd went silent (until it succeeds) */
    synchronized boolean stepWanted(String vpsId) {
        return of(vpsId).sshdSilent;
    }

    /** @return true when the step has failed since it last succeeded for this VPS */
    synchronized boolean stepFailedBefore(String vpsId) {
        return of(vpsId).stepAttempts != null;
    }

    /** @return how many times the step has now failed for this start of this container */
    synchronized int stepFailed(String vpsId, String containerId, Instant startedAt) {
        Memory m = changing(vpsId);
        StepAttempts a = m.stepAttempts;
        m.stepAttempts = a != null && a.containerId().equals(containerId) && Objects.equals(a.startedAt(), startedAt)
                ? new StepAttempts(containerId, startedAt, a.count() + 1)
                : new StepAttempts(containerId, startedAt, 1);
        return m.stepAttempts.count();
    }

    /**
     * Notes a run of the VPS's container that ended by itself soon after it started; runs of another
     * container, and runs that ended more than {@code window} before this one, no longer count.
     *
     * @return how many such runs now count, this one included (the same run noted twice counts once)
     */
    synchronized int quickExit(String vpsId, String containerId, Instant startedAt, Instant finishedAt,
                               Duration window) {
        Memory m = changing(vpsId);
        SortedMap<Instant, Instant> runs = new TreeMap<>();
        if (m.quickExits != null && m.quickExits.containerId().equals(containerId)) {
            m.quickExits.runs().forEach((start, end) -> {
                if (!end.isBefore(finishedAt.minus(window))) {
                    runs.put(start, end);
                }
            });
        }
        runs.put(startedAt, finishedAt);
        m.quickExits = new QuickExits(containerId, runs);
        return runs.size();
    }

    /** Notes that Ferry's sshd answered a check in this start of the VPS's container ({@code id@startedAt}). */
    synchronized void sshdAnswered(String vpsId, String start) {
        Memory m = changing(vpsId);
        m.answeredIn = start;
        m.missed = 0;
    }

    /** @return true when Ferry's sshd has answered a check in this start of the VPS's container */
    synchronized boolean answeredIn(String vpsId, String start) {
        return start.equals(of(vpsId).answeredIn);
    }

    /** @return how many checks in a row its sshd has now left unanswered, this one included */
    synchronized int sshdMissed(String vpsId) {
        return ++changing(vpsId).missed;
    }

    /** @return the limits read from container {@code containerId} of the VPS, or null when not read yet */
    synchronized ContainerLimits limits(String vpsId, String containerId) {
        Memory m = of(vpsId);
        return containerId.equals(m.limitsOf) ? m.limits : null;
    }

    synchronized void limits(String vpsId, String containerId, ContainerLimits limits) {
        Memory m = changing(vpsId);
        m.limitsOf = containerId;
        m.limits = limits;
    }

    /** @return true the first time this container is found for the VPS (its finding is logged once) */
    synchronized boolean newlyFound(String vpsId, String containerId) {
        Memory m = changing(vpsId);
        boolean news = !containerId.equals(m.found);
        m.found = containerId;
        return news;
    }

    /** @return true the first time this unlisted container of the VPS is left alone (that is logged once) */
    synchronized boolean newlyLeftAlone(String vpsId, String containerId) {
        Memory m = changing(vpsId);
        boolean news = !containerId.equals(m.leftAlone);
        m.leftAlone = containerId;
        return news;
    }

    /** Forgets the VPS that are neither desired nor have a container. */
    synchronized void retainOnly(Set<String> vpsIds) {
        vps.keySet().retainAll(vpsIds);
    }
}

package dev.ferry.bastion.several;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This Host among the Hosts of one registry: the claim on its snowflake instance id, refreshed while it runs, and
 * the lease of the lost-runner watchdog, which one Host at a time holds. A Host is known by its machine, SSH port
 * and data directory, so the same Host started again after a crash takes its own claim and lease back at once.
 */
public final class Membership {
    private static final Logger log = LoggerFactory.getLogger(Membership.class);
    /** A claim not refreshed for this long belongs to a Host that is gone. */
    public static final Duration CLAIM_STALE = Duration.ofSeconds(30);
    /** The watchdog's lease: another Host takes over this long after its holder stopped renewing it. */
    static final Duration WATCHDOG_LEASE = Duration.ofSeconds(15);
    /** The lease of the lost-runner watchdog. */
    public static final String WATCHDOG = "watchdog";

    private final Coordination coordination;
    private final int instanceId;
    private final String holder;
    private volatile boolean watching;

    private Membership(Coordination coordination, int instanceId, String holder) {
        this.coordination = coordination;
        this.instanceId = instanceId;
        this.holder = holder;
    }

    /**
     * Claims {@code instanceId} for this Host.
     *
     * @throws dev.ferry.bastion.FerryException when another Host's fresh claim holds it
     */
    public static Membership join(Coordination coordination, int instanceId, String holder) {
        coordination.claimInstance(instanceId, holder, CLAIM_STALE);
        return new Membership(coordination, instanceId, holder);
    }

    public String holder() {
        return holder;
    }

    /** Refreshes the claim and the lease (every few seconds); whether this Host runs the watchdog now. */
    public boolean tick() {
        coordination.claimInstance(instanceId, holder, CLAIM_STALE);
        boolean held = coordination.holdLease(WATCHDOG, holder, WATCHDOG_LEASE);
        if (held != watching) {
            log.info(held ? "this Host ({}) runs the runner watchdog now" : "the runner watchdog runs on another Host; "
                    + "this one ({}) stands by", holder);
            watching = held;
        }
        return held;
    }

    /** Lets the lease and the claim go, so that another Host takes the watchdog at once. */
    public void leave() {
        coordination.releaseLease(WATCHDOG, holder);
        coordination.releaseInstance(instanceId, holder);
    }
}

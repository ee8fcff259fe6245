package dev.ferry.bastion.registry;

import dev.ferry.bastion.people.KeyAccess;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Tokens;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Placement;
import dev.ferry.bastion.vps.Removal;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsKey;
import dev.ferry.bastion.vps.VpsPolicy;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerLimits;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The Host's record of VPS and their keys. Implementations must be thread-safe and keep every
 * committed change across a crash. Lookups by reference and by key fingerprint are indexed: the SSH
 * authenticator calls them on its I/O thread for every login.
 *
 * <p>Methods that change state throw {@link dev.ferry.bastion.FerryException} with a user-facing
 * sentence when the request clashes with what is stored (unknown VPS, duplicate name or key).
 */
public interface VpsRegistry extends AutoCloseable {

    /** Stores a new VPS with its keys, in one transaction, and returns it. */
    Vps create(NewVps vps);

    /**
     * Registers a VPS placed on a runner if {@code fits} holds for the VPS placed there now, judged under a lock of
     * the runner's row: two creates, on any Hosts, never both take the runner's last room.
     *
     * @return the VPS, or empty when it no longer fits
     * @throws dev.ferry.bastion.FerryException NOT_FOUND when the runner is not registered, CONFLICT for a name
     *                                          taken
     */
    Optional<Vps> createOnRunner(NewVps vps, Predicate<List<Vps>> fits);

    /** The VPS this reference names, if any. */
    Optional<Vps> find(VpsRef ref);

    /** Like {@link #find} but an unknown reference is a not-found error naming it. */
    default Vps get(VpsRef ref) {
        return find(ref).orElseThrow(() -> dev.ferry.bastion.FerryException.notFound(
                "no VPS '" + ref + "' is registered (see: ferry vps list)"));
    }

    /** Every VPS, oldest first. */
    List<Vps> list();

    /** How many VPS have each status (a status none has is left out), counted by the store, not row by row. */
    Map<VpsStatus, Integer> countByStatus();

    /** Removes a VPS and its keys; returns what was removed. */
    Vps remove(VpsRef ref);

    /** The keys stored for a VPS, oldest first. */
    List<VpsKey> keys(VpsRef ref);

    /** Adds keys to a VPS; all or none. A key already stored for it is a conflict. */
    List<VpsKey> addKeys(VpsRef ref, List<SshPublicKey> keys);

    /** Removes one key by its {@code SHA256:} fingerprint; refuses to remove the last key. */
    VpsKey removeKey(VpsRef ref, String fingerprint);

    /** Whether this key (by fingerprint) is stored for that VPS. */
    default boolean hasKey(long vpsId, String fingerprint) {
        return holdsKey(VpsRef.ofId(vpsId), fingerprint);
    }

    /** Records a new lifecycle status; returns the VPS as it is now. */
    Vps updateStatus(VpsRef ref, VpsStatus status);

    /**
     * Changes what the Host wants of a runner-backed VPS (desired state, restart, runner), only if it still
     * wants {@code expected}: a user's action and a heartbeat never overwrite each other.
     *
     * @return the VPS changed, or empty when its placement is no longer {@code expected}
     */
    Optional<Vps> replacePlacement(long id, Placement expected, Placement next);

    /**
     * Gives the VPS another name; {@code vps-<old name>} no longer reaches it. Its host certificate, which names it,
     * is to be issued again: it counts as not served until its runner installed the new one.
     *
     * @throws dev.ferry.bastion.FerryException CONFLICT when another VPS has that name, INVALID for a bad name
     */
    Vps rename(VpsRef ref, String name);

    /** Sets what the VPS demands of its sessions; sessions open now are held to it from their next channel. */
    Vps setPolicy(VpsRef ref, VpsPolicy policy);

    /** The removal of runner's VPS {@code id} whose container its runner has not reported gone yet, if any. */
    Optional<Removal> removal(long id);

    /** Ends the removals on {@code runner} whose containers it no longer reports ({@code reported}: VPS ids). */
    void containersGone(String runner, Set<Long> reported);


    /** Records the limits its runner reports its container runs with. */
    void recordLimits(long id, ContainerLimits limits);

    /** Records what a runner observed: status, published endpoint (or none) and the last error. */
    Vps recordObserved(long id, VpsStatus status, Endpoint endpoint, String lastError);

    /**
     * Records the host key of a VPS whose key is not known yet: an external VPS at the bastion's first
     * contact (trust on first use). A key already stored is never replaced here.
     *
     * @param hostKey an OpenSSH public key line; stored as {@code type base64}, without comment
     * @return whether it was stored (false: the VPS already had a host key)
     * @throws dev.ferry.keys.KeyFormatException when {@code hostKey} is not a valid public key line
     */
    boolean recordHostKey(long id, String hostKey);

    /**
     * Stores the host key a runner reports for a VPS placed on it (or an admin sets for an external one), replacing
     * the one before: a container made again has new host keys, and the runner is the authority on its own
     * containers. A key that another VPS holds is not stored: one sshd answering for two VPS is what a runner that
     * lies about its VPS's endpoint would make the bastion trust (a possible interception).
     *
     * @param hostKey an OpenSSH public key line; stored as {@code type base64}, without comment
     * @return empty when it is stored (or was already); else the id of the VPS that holds it, and nothing changed
     * @throws dev.ferry.keys.KeyFormatException when {@code hostKey} is not a valid public key line
     */
    OptionalLong replaceHostKey(long id, String hostKey);

    /**
     * Records whether the VPS's sshd serves the host certificate the Host issues for it now, as its runner
     * reported; the caller writes only a change.
     */
    void recordHostCertified(long id, boolean certified);

    /** The VPS assigned to a runner. */
    List<Vps> onRunner(String runner);

    /** The VPS of these ids that exist, by id, in a few queries however many (the open sessions' access check). */
    Map<Long, Vps> byIds(Collection<Long> ids);

    /** The fingerprints of the keys each of these VPS holds, by VPS id; a VPS without keys is absent. */
    Map<Long, Set<String>> keyFingerprints(Collection<Long> ids);

    /** Whether the VPS this reference names holds this key as one of its own. */
    default boolean holdsKey(VpsRef ref, String fingerprint) {
        return access(ref, fingerprint).map(KeyAccess::vpsKey).orElse(false);
    }

    /** Whether any VPS holds this key (the generic jump user's login); one indexed query. */
    boolean anyHoldsKey(String fingerprint);

    /**
     * The same, not counting the VPS's own keys when {@code vpsKeys} is false ({@code vps_keys = false}), nor
     * grants ended at {@code now}.
     */
    default boolean anyHoldsKey(String fingerprint, boolean vpsKeys, Instant now) {
        return jumpVia(fingerprint, vpsKeys, now).isPresent();
    }

    /**
     * What lets the key reach some VPS (the jump user's login), as the live list and the audit name it: its person
     * ({@code alice}), or {@code VPS key}; empty when it reaches none. One query.
     */
    Optional<String> jumpVia(String fingerprint, boolean vpsKeys, Instant now);

    /**
     * How the key {@code fingerprint} reaches the VPS {@code ref} names (its own key, a person's through their role,
     * ownership or grant), if the VPS exists: one query.
     */
    Optional<KeyAccess> access(VpsRef ref, String fingerprint);

    /** People, their keys and grants, in the same registry. */
    People people();

    /** People's API tokens, in the same registry. */
    Tokens tokens();

    @Override
    void close();
}

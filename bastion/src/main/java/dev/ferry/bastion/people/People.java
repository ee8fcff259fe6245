package dev.ferry.bastion.people;

import dev.ferry.keys.SshPublicKey;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The people the registry knows, their keys and their grants. Every method may throw
 * {@link dev.ferry.bastion.FerryException}: NOT_FOUND for a person, key or grant that is not there, CONFLICT for a
 * name or key taken, INVALID for bad input.
 *
 * <p>{@code by} names who asks, for the record: a person's name, or {@link #ADMIN_TOKEN}.
 */
public interface People {
    /** How the record names what was done with the admin token rather than by a person. */
    String ADMIN_TOKEN = "admin token";

    /** Adds a person with their keys (none is allowed: one who signs in with SSO, or whose keys come later). */
    Person add(String name, Role role, List<SshPublicKey> keys, String by);

    Optional<Person> find(String name);

    /** @throws dev.ferry.bastion.FerryException NOT_FOUND naming {@code ferry user list} */
    Person get(String name);

    /**
     * Binds the person to an identity at the SSO provider ({@code issuer subject}) when none is bound yet.
     *
     * @return the identity bound now: this one, or the one of an earlier sign-in
     */
    String bindIdentity(String name, String identity);

    /** Everyone, by name. */
    List<Person> list();

    /** Disables (keys and tokens refused, sessions ended) or enables again; doing what is done already is fine. */
    Person setDisabled(String name, boolean disabled, String by);

    /**
     * Removes the person with their keys (those stored on VPS too) and grants; the VPS they own are kept, without an
     * owner.
     */
    Person remove(String name);

    List<PersonKey> keys(String name);

    /** @throws dev.ferry.bastion.FerryException CONFLICT naming who holds a key already */
    List<PersonKey> addKeys(String name, List<SshPublicKey> keys);

    PersonKey removeKey(String name, String fingerprint);

    /** Grants, or changes the grant of, {@code person} to VPS {@code vpsId}. */
    Grant grant(long vpsId, String person, List<String> logins, Instant expiresAt, String by);

    /** @throws dev.ferry.bastion.FerryException NOT_FOUND when the person has no grant to that VPS */
    Grant revoke(long vpsId, String person);

    /** The grants to VPS {@code vpsId}, by person. */
    List<Grant> grantsTo(long vpsId);

    /** The grants {@code person} holds, by VPS. */
    List<Grant> grantsOf(String person);

    /** The people whose keys these are, by fingerprint (for the sessions' sweep: one query for them all). */
    Map<String, Person> byKeys(Collection<String> fingerprints);

    /** The keys of each of {@code persons} that has any. */
    Map<String, List<SshPublicKey>> keysOf(Collection<String> persons);

    /** The grants to any of {@code vpsIds}. */
    List<Grant> grantsTo(Collection<Long> vpsIds);
}

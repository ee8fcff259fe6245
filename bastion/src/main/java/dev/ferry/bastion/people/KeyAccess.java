package dev.ferry.bastion.people;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * How a proven key reaches one VPS (DESIGN.md: key, person, grant, VPS, read in one registry round trip): as one of
 * the VPS's own keys, or as a person's key through their role, their ownership of the VPS or a grant to it.
 *
 * @param vpsId   the VPS
 * @param vpsKey  the key is one of the VPS's own ("VPS key")
 * @param person  the person whose key it is, or null for a key of nobody's
 * @param role    their role, or null
 * @param disabled the person is disabled: their keys are refused everywhere, VPS key or not
 * @param owner   the person created the VPS
 * @param grant   the person's grant to the VPS, or null
 */
public record KeyAccess(long vpsId, boolean vpsKey, String person, Role role, boolean disabled, boolean owner,
                        Grant grant) {
    /** The same, not counting the VPS's own keys (a Host with {@code vps_keys = false}). */
    public KeyAccess withoutVpsKey() {
        return new KeyAccess(vpsId, false, person, role, disabled, owner, grant);
    }

    /** A key of the VPS's own, nobody's. */
    public static KeyAccess vpsKey(long vpsId) {
        return new KeyAccess(vpsId, true, null, null, false, false, null);
    }

    /**
     * Whether the key may log in for this VPS at all. A person with a grant that ended or names other login users
     * still logs in, and each channel is then refused with why ({@link #refusal}); an auditor logs in nowhere.
     */
    public boolean admits() {
        if (person == null) {
            return vpsKey;
        }
        if (disabled || role == Role.AUDITOR) {
            return false;
        }
        return vpsKey || role == Role.ADMIN || owner || grant != null;
    }

    /**
     * Why {@code login} may not be used inside the VPS now, or empty when it may.
     *
     * @param login the login user inside, or null for a connection to its sshd (which checks the user itself)
     * @param vps   how messages name the VPS ({@code vps-web})
     */
    public Optional<String> refusal(String login, Instant now, String vps) {
        return refusal(login, now, vps, vps);
    }

    /** The same, with the bastion user name the message tells to log in as ({@code vps-123}). */
    public Optional<String> refusal(String login, Instant now, String vps, String sshUser) {
        if (!admits()) {
            return Optional.of(vps + " is not a VPS your key can reach");
        }
        if (!grantOnly()) {
            return Optional.empty();
        }
        if (grant.expired(now)) {
            return Optional.of(person + "'s access to " + vps + " ended at "
                    + grant.expiresAt().truncatedTo(ChronoUnit.SECONDS)
                    + "; ask its owner or an admin for a new grant");
        }
        if (login != null && !grant.allows(login, now)) {
            return Optional.of(person + "'s grant to " + vps + " allows the login user" + (grant.logins().size() == 1
                    ? " " : "s ") + String.join(", ", grant.logins()) + ", not " + login + ": log in as "
                    + sshUser + "+" + grant.logins().get(0));
        }
        return Optional.empty();
    }

    /** How the record names what let the key in: {@code VPS key}, or the person and why. */
    public String via() {
        if (person == null) {
            return "VPS key";
        }
        return person + (role == Role.ADMIN ? " (admin)" : owner ? " (owner)" : grantOnly() ? " (grant)"
                : " (VPS key)");
    }

    /** Only a grant lets the person in: no VPS key, not an admin, not the owner. */
    private boolean grantOnly() {
        return person != null && !vpsKey && role != Role.ADMIN && !owner;
    }
}

package dev.ferry.bastion.api;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.people.Grant;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Principal;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a principal may call a route ({@link Need}), and for a member which VPS are theirs: every
 * refusal is a 403 with a sentence naming the person, their role and who may.
 */
public final class Authorizer {
    private final VpsRegistry registry;
    private final People people;
    private final Clock clock;

    public Authorizer(VpsRegistry registry, People people, Clock clock) {
        this.registry = registry;
        this.people = people;
        this.clock = clock;
    }

    /**
     * @param params the route's path parameters: a VPS route's first one names the VPS
     * @throws FerryException FORBIDDEN saying why
     */
    void check(Principal p, Need need, List<String> params) {
        if (!need.allows(p.role())) {
            throw refused(p, need);
        }
        if (p.role() != Role.MEMBER || (need != Need.VPS_READ && need != Need.VPS_SESSIONS
                && need != Need.VPS_MANAGE)) {
            return;
        }
        VpsRef ref = VpsRef.parse(params.get(0));
        Vps v = registry.get(ref);
        boolean owns = p.person().equals(v.owner());
        if (!owns && !granted(p, v)) {
            // a VPS a member may not see is answered as one that does not exist: nothing tells which exist
            throw FerryException.notFound("no VPS '" + ref + "' is registered (see: ferry vps list)");
        }
        if (need != Need.VPS_READ && !owns) {
            throw FerryException.forbidden(p.person() + " is a member and may " + (need == Need.VPS_MANAGE
                    ? "change" : "see the sessions of") + " only the VPS they created; "
                    + v.label() + " is " + (v.owner() == null ? "an admin's" : v.owner() + "'s") + " (ask "
                    + (v.owner() == null ? "an admin" : v.owner() + " or an admin") + ")");
        }
    }

    /** Whether the person holds a grant to the VPS that has not ended. */
    private boolean granted(Principal p, Vps v) {
        return people.grantsTo(v.id()).stream().anyMatch(g -> g.person().equals(p.person())
                && !g.expired(clock.instant()));
    }

    /** What of {@code all} the principal sees: a member, the VPS they own or are granted; others, all. */
    List<Vps> visible(Principal p, List<Vps> all) {
        if (p.role() != Role.MEMBER) {
            return all;
        }
        Set<Long> granted = people.grantsOf(p.person()).stream().filter(g -> !g.expired(clock.instant()))
                .map(Grant::vpsId).collect(Collectors.toSet());
        return all.stream().filter(v -> p.person().equals(v.owner()) || granted.contains(v.id())).toList();
    }

    private static FerryException refused(Principal p, Need need) {
        return FerryException.forbidden((p.person() == null ? p.via() : p.person()) + " is " + article(p.role())
                + ": this is for " + need.who());
    }

    private static String article(Role r) {
        return (r == Role.ADMIN || r == Role.AUDITOR ? "an " : "a ") + r.word();
    }
}

package dev.ferry.bastion.api;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.people.Grant;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Principal;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
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

    public Authorizer(VpsRegistry registry, People people) {
        this.registry = registry;
        this.people = people;
    }

    /**
     * @param params the route's path parameters: a VPS route's first one names the VPS
     * @throws FerryException FORBIDDEN saying why
     */
    void check(Principal p, Need need, List<String> params) {
        if (!need.allows(p.role())) {
            throw refused(p, need);
        }
        if (p.role() != Role.MEMBER || (need != Need.VPS_READ && need != Need.VPS_MANAGE)) {
            return;
        }
        Vps v = registry.get(VpsRef.parse(params.get(0)));
        boolean owns = p.person().equals(v.owner());
        if (need == Need.VPS_MANAGE && !owns) {
            throw FerryException.forbidden(p.person() + " is a member and may change only the VPS they created; "
                    + v.label() + " is " + (v.owner() == null ? "an admin's" : v.owner() + "'s") + " (ask "
                    + (v.owner() == null ? "an admin" : v.owner() + " or an admin") + ")");
        }
        if (!owns && people.grantsTo(v.id()).stream().noneMatch(g -> g.person().equals(p.person()))) {
            throw FerryException.forbidden(p.person() + " is a member and sees only the VPS they created or are "
                    + "granted; " + v.label() + " is neither");
        }
    }

    /** What of {@code all} the principal sees: a member, the VPS they own or are granted; others, all. */
    List<Vps> visible(Principal p, List<Vps> all) {
        if (p.role() != Role.MEMBER) {
            return all;
        }
        Set<Long> granted = people.grantsOf(p.person()).stream().map(Grant::vpsId).collect(Collectors.toSet());
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

package dev.ferry.bastion.people;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who may log in as each login user of one VPS, as its own sshd must know it for ProxyJump (end to end, the sshd
 * checks the user): root for the admins, the VPS's owner and the grants that name no login user (or root); each
 * other user for the grants that name it. Disabled people and ended grants count for nothing.
 */
public final class LoginUsers {
    public static final String ROOT = "root";

    private LoginUsers() {
    }

    /**
     * @param owner   the VPS's owner, or null
     * @param people  everyone, disabled people included (they are left out here)
     * @param grants  the grants to this VPS
     * @return the people's names by login user, both sorted; users nobody may log in as are absent
     */
    public static Map<String, List<String>> of(String owner, Collection<Person> people, List<Grant> grants,
                                               Instant now) {
        Set<String> enabled = new TreeSet<>();
        Map<String, Set<String>> logins = new TreeMap<>();
        Set<String> root = logins.computeIfAbsent(ROOT, l -> new TreeSet<>());
        for (Person p : people) {
            if (!p.disabled()) {
                enabled.add(p.name());
                if (p.role() == Role.ADMIN) {
                    root.add(p.name());
                }
            }
        }
        if (owner != null && enabled.contains(owner)) {
            root.add(owner);
        }
        for (Grant g : grants) {
            if (g.expired(now) || !enabled.contains(g.person())) {
                continue;
            }
            if (g.logins().isEmpty()) {
                root.add(g.person());
            }
            g.logins().forEach(login -> logins.computeIfAbsent(login, l -> new TreeSet<>()).add(g.person()));
        }
        Map<String, List<String>> names = new TreeMap<>();
        logins.forEach((login, who) -> {
            if (!who.isEmpty()) {
                names.put(login, List.copyOf(who));
            }
        });
        return names;
    }
}

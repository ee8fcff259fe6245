package dev.ferry.bastion.fleet;

import dev.ferry.bastion.people.Grant;
import dev.ferry.bastion.people.LoginUsers;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Person;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.keys.SshPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The keys of people that a runner installs in its VPS, so that a ProxyJump (end to end: the VPS's sshd, not the
 * bastion, checks the login user) lets in whom the bastion lets in ({@link LoginUsers}). The same people, by name,
 * are the principals the client CA's certificates (SSO) may log in with as each user. Read for all of a runner's
 * VPS in three queries per heartbeat.
 */
final class LoginKeys {
    static final String ROOT = LoginUsers.ROOT;

    /** Per VPS id, per login user, the key lines. */
    private final Map<Long, Map<String, List<String>>> byVps;
    /** Per VPS id, per login user (root included), the people. */
    private final Map<Long, Map<String, List<String>>> peopleByVps;

    private LoginKeys(Map<Long, Map<String, List<String>>> byVps, Map<Long, Map<String, List<String>>> peopleByVps) {
        this.byVps = byVps;
        this.peopleByVps = peopleByVps;
    }

    static LoginKeys of(List<Vps> vps, People people, Instant now) {
        List<Person> everyone = people.list();
        if (everyone.stream().allMatch(Person::disabled) || vps.isEmpty()) {
            return new LoginKeys(Map.of(), Map.of());
        }
        Map<Long, List<Grant>> grants = people.grantsTo(vps.stream().map(Vps::id).toList()).stream()
                .collect(Collectors.groupingBy(Grant::vpsId));
        Map<Long, Map<String, List<String>>> peopleByVps = new TreeMap<>();
        for (Vps v : vps) {
            peopleByVps.put(v.id(), LoginUsers.of(v.owner(), everyone, grants.getOrDefault(v.id(), List.of()), now));
        }
        Set<String> wanted = new HashSet<>();
        peopleByVps.values().forEach(m -> m.values().forEach(wanted::addAll));
        Map<String, List<SshPublicKey>> keys = people.keysOf(wanted);
        Map<Long, Map<String, List<String>>> byVps = new TreeMap<>();
        peopleByVps.forEach((id, logins) -> {
            Map<String, List<String>> lines = new TreeMap<>();
            logins.forEach((login, who) -> who.forEach(p -> add(lines, login, keys.get(p))));
            byVps.put(id, lines);
        });
        return new LoginKeys(byVps, peopleByVps);
    }

    private static void add(Map<String, List<String>> logins, String login, List<SshPublicKey> keys) {
        if (keys == null || keys.isEmpty()) {
            return;
        }
        List<String> lines = logins.computeIfAbsent(login, l -> new ArrayList<>());
        keys.stream().map(SshPublicKey::toOpenSsh).filter(l -> !lines.contains(l)).forEach(lines::add);
    }

    /** The people's keys for root in VPS {@code id}. */
    List<String> root(long id) {
        return byVps.getOrDefault(id, Map.of()).getOrDefault(ROOT, List.of());
    }

    /** The people's keys for each other login user in VPS {@code id}. */
    Map<String, List<String>> others(long id) {
        Map<String, List<String>> all = new TreeMap<>(byVps.getOrDefault(id, Map.of()));
        all.remove(ROOT);
        return all;
    }

    /** The people who may log in as each login user (root included) of VPS {@code id}, by name. */
    Map<String, List<String>> people(long id) {
        return peopleByVps.getOrDefault(id, Map.of());
    }
}

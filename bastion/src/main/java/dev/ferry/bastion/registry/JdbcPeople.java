package dev.ferry.bastion.registry;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.people.Grant;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Person;
import dev.ferry.bastion.people.PersonKey;
import dev.ferry.bastion.people.Role;
import dev.ferry.keys.SshPublicKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** People, their keys and grants: the registry's tables {@code person}, {@code person_key}, {@code vps_grant}. */
final class JdbcPeople implements People {
    private static final Logger log = LoggerFactory.getLogger(JdbcPeople.class);
    private static final String PERSON_COLUMNS = "p.name, p.role, p.disabled_at, p.disabled_by, p.created_at, "
            + "p.created_by, (SELECT COUNT(*) FROM person_key k WHERE k.person = p.name) AS key_count";
    private static final String GRANT_COLUMNS = "vps_id, person, logins, expires_at, granted_by, granted_at";

    private static final int KEYS_PER_QUERY = 500;

    private final Sql sql;
    private final Clock clock;

    JdbcPeople(Sql sql, Clock clock) {
        this.sql = sql;
        this.clock = clock;
    }

    @Override
    public Person add(String name, Role role, List<SshPublicKey> keys, String by) {
        String valid = Person.validName(name);
        Instant now = clock.instant();
        sql.transaction(c -> {
            if (!Sql.query(c, "SELECT 1 FROM person WHERE name = ?", rs -> Boolean.TRUE, valid).isEmpty()) {
                throw FerryException.conflict("a person named '" + valid + "' exists already (see: ferry user show "
                        + valid + ")");
            }
            try {
                Sql.update(c, "INSERT INTO person(name, role, created_at, created_by) VALUES (?, ?, ?, ?)", valid,
                        role.word(), now, by);
            } catch (SQLException e) {
                if (Sql.uniqueViolation(e)) { // another Host added them meanwhile
                    throw FerryException.conflict("a person named '" + valid + "' exists already (see: ferry user "
                            + "show " + valid + ")");
                }
                throw e;
            }
            insertKeys(c, valid, keys, now);
            return null;
        });
        log.info("person {} added as {} with {} key(s) by {}", valid, role.word(), keys.size(), by);
        return get(valid);
    }

    @Override
    public Optional<Person> find(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(java.util.Locale.ROOT);
        return sql.query("SELECT " + PERSON_COLUMNS + " FROM person p WHERE p.name = ?", JdbcPeople::person, n)
                .stream().findFirst();
    }

    @Override
    public Person get(String name) {
        return find(name).orElseThrow(() -> FerryException.notFound("no person '" + name + "' (see: ferry user "
                + "list)"));
    }

    @Override
    public List<Person> list() {
        return sql.query("SELECT " + PERSON_COLUMNS + " FROM person p ORDER BY p.name", JdbcPeople::person);
    }

    @Override
    public String bindIdentity(String name, String identity) {
        Person p = get(name);
        return sql.transaction(c -> {
            if (Sql.update(c, "UPDATE person SET sso_identity = ? WHERE name = ? AND sso_identity IS NULL", identity,
                    p.name()) == 1) {
                log.info("person {}: bound to the identity {} at the SSO provider", p.name(), identity);
                return identity;
            }
            return Sql.query(c, "SELECT sso_identity FROM person WHERE name = ?", rs -> rs.getString(1), p.name())
                    .get(0);
        });
    }

    @Override
    public Person setDisabled(String name, boolean disabled, String by) {
        Person p = get(name);
        if (p.disabled() != disabled) {
            sql.transaction(c -> Sql.update(c, "UPDATE person SET disabled_at = ?, disabled_by = ? WHERE name = ?",
                    disabled ? clock.instant() : null, disabled ? by : null, p.name()));
            log.info("person {} {} by {}", p.name(), disabled ? "disabled" : "enabled again", by);
        }
        return get(p.name());
    }

    @Override
    public Person remove(String name) {
        Person p = get(name);
        int vpsKeys = sql.transaction(c -> {
            // their keys stored on VPS too: else, no longer anybody's, they would let in again what a disable shut
            int n = Sql.update(c, "DELETE FROM vps_key WHERE fingerprint IN (SELECT fingerprint FROM person_key "
                    + "WHERE person = ?)", p.name());
            Sql.update(c, "DELETE FROM person WHERE name = ?", p.name());
            return n;
        });
        log.info("person {} removed, with {} of their keys stored on VPS", p.name(), vpsKeys);
        return p;
    }

    @Override
    public List<PersonKey> keys(String name) {
        Person p = get(name);
        return sql.query("SELECT person, key_type, key_blob, comment, added_at FROM person_key WHERE person = ? "
                + "ORDER BY added_at, fingerprint", JdbcPeople::key, p.name());
    }

    @Override
    public List<PersonKey> addKeys(String name, List<SshPublicKey> keys) {
        if (keys.isEmpty()) {
            throw FerryException.invalid("no key given");
        }
        Person p = get(name);
        sql.transaction(c -> {
            insertKeys(c, p.name(), keys, clock.instant());
            return null;
        });
        log.info("person {}: {} key(s) added", p.name(), keys.size());
        List<String> added = keys.stream().map(SshPublicKey::fingerprint).toList();
        return keys(p.name()).stream().filter(k -> added.contains(k.fingerprint())).toList();
    }

    /** A key names one person at login: one held by someone already is refused with who holds it. */
    private static void insertKeys(Connection c, String person, List<SshPublicKey> keys, Instant now)
            throws SQLException {
        for (SshPublicKey k : keys) {
            List<String> holder = Sql.query(c, "SELECT person FROM person_key WHERE fingerprint = ?",
                    rs -> rs.getString(1), k.fingerprint());
            if (!holder.isEmpty()) {
                throw FerryException.conflict("key " + k.fingerprint() + " is " + (holder.get(0).equals(person)
                        ? person + "'s already" : "held by " + holder.get(0) + ": a key names one person"));
            }
            try {
                Sql.update(c, "INSERT INTO person_key(fingerprint, person, key_type, key_blob, comment, added_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)", k.fingerprint(), person, k.type(), k.base64(), k.comment(), now);
            } catch (SQLException e) {
                if (Sql.uniqueViolation(e)) { // given twice, or by another Host meanwhile
                    throw FerryException.conflict("key " + k.fingerprint() + " is held by someone already: a key "
                            + "names one person (see: ferry user list)");
                }
                throw e;
            }
        }
    }

    @Override
    public PersonKey removeKey(String name, String fingerprint) {
        PersonKey key = keys(name).stream().filter(k -> k.fingerprint().equals(fingerprint)).findFirst()
                .orElseThrow(() -> FerryException.notFound("no key " + fingerprint + " is " + name + "'s (see: ferry "
                        + "user keys list " + name + ")"));
        sql.transaction(c -> Sql.update(c, "DELETE FROM person_key WHERE fingerprint = ?", fingerprint));
        log.info("person {}: key {} removed", key.person(), fingerprint);
        return key;
    }

    @Override
    public Grant grant(long vpsId, String person, List<String> logins, Instant expiresAt, String by) {
        Person p = get(person);
        if (p.role() == Role.AUDITOR) {
            throw FerryException.invalid(p.name() + " is an auditor: auditors read, and log in to no VPS (see: "
                    + "ferry user show " + p.name() + ")");
        }
        List<String> valid = Grant.validLogins(logins);
        Instant now = clock.instant();
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw FerryException.invalid("--until " + expiresAt + " is past: a grant ends later than now");
        }
        String joined = valid.isEmpty() ? null : String.join(",", valid);
        sql.transaction(c -> {
            if (Sql.update(c, "UPDATE vps_grant SET logins = ?, expires_at = ?, granted_by = ?, granted_at = ? "
                    + "WHERE vps_id = ? AND person = ?", joined, expiresAt, by, now, vpsId, p.name()) == 0) {
                try {
                    Sql.update(c, "INSERT INTO vps_grant(vps_id, person, logins, expires_at, granted_by, granted_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?)", vpsId, p.name(), joined, expiresAt, by, now);
                } catch (SQLException e) {
                    if (Sql.uniqueViolation(e)) { // granted through another Host meanwhile: one of the two stands
                        throw FerryException.conflict(p.name() + " was granted vps-" + vpsId + " by someone else just "
                                + "now; see: ferry vps access " + vpsId);
                    }
                    throw e;
                }
            }
            return null;
        });
        log.info("vps {}: granted to {} by {} (logins {}, until {})", vpsId, p.name(), by,
                joined == null ? "any" : joined, expiresAt == null ? "no end" : expiresAt);
        return grantOf(vpsId, p.name()).orElseThrow();
    }

    @Override
    public Grant revoke(long vpsId, String person) {
        String name = Person.validName(person);
        Grant g = grantOf(vpsId, name).orElseThrow(() -> FerryException.notFound(name + " has no grant to vps-"
                + vpsId + " (see: ferry vps access " + vpsId + ")"));
        sql.transaction(c -> Sql.update(c, "DELETE FROM vps_grant WHERE vps_id = ? AND person = ?", vpsId, name));
        log.info("vps {}: {}'s grant revoked", vpsId, name);
        return g;
    }

    private Optional<Grant> grantOf(long vpsId, String person) {
        return sql.query("SELECT " + GRANT_COLUMNS + " FROM vps_grant WHERE vps_id = ? AND person = ?",
                JdbcPeople::grant, vpsId, person).stream().findFirst();
    }

    @Override
    public List<Grant> grantsTo(long vpsId) {
        return sql.query("SELECT " + GRANT_COLUMNS + " FROM vps_grant WHERE vps_id = ? ORDER BY person",
                JdbcPeople::grant, vpsId);
    }

    @Override
    public List<Grant> grantsOf(String person) {
        return sql.query("SELECT " + GRANT_COLUMNS + " FROM vps_grant WHERE person = ? ORDER BY vps_id",
                JdbcPeople::grant, get(person).name());
    }

    @Override
    public Map<String, Person> byKeys(Collection<String> fingerprints) {
        Map<String, Person> found = new HashMap<>();
        // a certified person's credential names them: one query for those people, as for the keys' holders
        Map<String, List<String>> certified = new HashMap<>();
        fingerprints.forEach(c -> ClientCa.certified(c).ifPresent(name -> certified.computeIfAbsent(name,
                n -> new ArrayList<>()).add(c)));
        inChunks(certified.keySet(), (in, chunk) -> sql.query("SELECT " + PERSON_COLUMNS + " FROM person p WHERE "
                + "p.name IN (" + in + ")", JdbcPeople::person, chunk)
                .forEach(p -> certified.get(p.name()).forEach(c -> found.put(c, p))));
        inChunks(fingerprints, (in, chunk) -> sql.query("SELECT pk.fingerprint, " + PERSON_COLUMNS + " FROM "
                + "person_key pk JOIN person p ON p.name = pk.person WHERE pk.fingerprint IN (" + in + ")",
                rs -> Map.entry(rs.getString("fingerprint"), person(rs)), chunk)
                .forEach(e -> found.put(e.getKey(), e.getValue())));
        return found;
    }

    @Override
    public Map<String, List<SshPublicKey>> keysOf(Collection<String> persons) {
        Map<String, List<SshPublicKey>> found = new HashMap<>();
        inChunks(persons, (in, chunk) -> sql.query("SELECT person, key_type, key_blob, comment, added_at FROM "
                + "person_key WHERE person IN (" + in + ") ORDER BY added_at, fingerprint", JdbcPeople::key, chunk)
                .forEach(k -> found.computeIfAbsent(k.person(), p -> new ArrayList<>()).add(k.key())));
        return found;
    }

    /** Calls {@code query} with "?, ?, ..." and the words for each chunk of at most {@link #KEYS_PER_QUERY}. */
    private static void inChunks(Collection<String> words, BiConsumer<String, Object[]> query) {
        List<String> all = List.copyOf(new HashSet<>(words));
        for (int i = 0; i < all.size(); i += KEYS_PER_QUERY) {
            List<String> chunk = all.subList(i, Math.min(all.size(), i + KEYS_PER_QUERY));
            query.accept(String.join(", ", Collections.nCopies(chunk.size(), "?")), chunk.toArray());
        }
    }

    @Override
    public List<Grant> grantsTo(Collection<Long> vpsIds) {
        List<Grant> found = new ArrayList<>();
        Sql.inChunks(vpsIds, (in, chunk) -> found.addAll(sql.query("SELECT " + GRANT_COLUMNS + " FROM vps_grant "
                + "WHERE vps_id IN (" + in + ")", JdbcPeople::grant, chunk)));
        return found;
    }

    static Grant grant(ResultSet rs) throws SQLException {
        String logins = rs.getString("logins");
        return new Grant(rs.getLong("vps_id"), rs.getString("person"),
                logins == null ? List.of() : Arrays.asList(logins.split(",")), instantOrNull(rs, "expires_at"),
                rs.getString("granted_by"), Sql.instant(rs, "granted_at"));
    }

    private static Person person(ResultSet rs) throws SQLException {
        return new Person(rs.getString("name"), Role.fromWord(rs.getString("role")),
                instantOrNull(rs, "disabled_at"), rs.getString("disabled_by"), Sql.instant(rs, "created_at"),
                rs.getString("created_by"), rs.getInt("key_count"));
    }

    private static PersonKey key(ResultSet rs) throws SQLException {
        byte[] blob = Base64.getDecoder().decode(rs.getString("key_blob"));
        return new PersonKey(rs.getString("person"), new SshPublicKey(rs.getString("key_type"), blob,
                rs.getString("comment")), Sql.instant(rs, "added_at"));
    }

    static Instant instantOrNull(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}

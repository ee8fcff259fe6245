package dev.ferry.bastion.registry;

import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.people.KeyAccess;
import dev.ferry.bastion.people.Role;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsKey;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The SSH keys of each VPS (table {@code vps_key}): stored with the VPS, added and removed, and asked about
 * when someone logs in. A VPS keeps at least one key: nobody could log in without it.
 */
final class VpsKeys {
    private final Sql sql;

    VpsKeys(Sql sql) {
        this.sql = sql;
    }

    /** Stores {@code keys} for VPS {@code vpsId} in the transaction of {@code c}. */
    static void insert(Connection c, long vpsId, List<SshPublicKey> keys, Instant now) throws SQLException {
        Sql.batch(c, "INSERT INTO vps_key(vps_id, fingerprint, key_type, key_blob, comment, added_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)", keys.stream()
                .map(k -> new Object[] {vpsId, k.fingerprint(), k.type(), k.base64(), k.comment(), now}).toList());
    }

    /** The keys of VPS {@code id}, oldest first. */
    List<VpsKey> of(long id) {
        return sql.query("SELECT vps_id, key_type, key_blob, comment, added_at FROM vps_key WHERE vps_id = ? "
                + "ORDER BY added_at, fingerprint", VpsKeys::key, id);
    }

    /** The fingerprints of the keys of each of {@code ids} that has any. */
    Map<Long, Set<String>> fingerprints(Collection<Long> ids) {
        Map<Long, Set<String>> found = new HashMap<>();
        Sql.inChunks(ids, (in, chunk) -> sql.query("SELECT vps_id, fingerprint FROM vps_key WHERE vps_id IN (" + in
                        + ")", rs -> Map.entry(rs.getLong(1), rs.getString(2)), chunk)
                .forEach(e -> found.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(e.getValue())));
        return found;
    }

    /**
     * Adds {@code keys} to {@code v}: the keys as stored.
     *
     * @throws FerryException CONFLICT when one of them is stored for {@code v} already
     */
    List<VpsKey> add(Vps v, List<SshPublicKey> keys, Instant now) {
        sql.transaction(c -> {
            try {
                insert(c, v.id(), keys, now);
            } catch (SQLException e) {
                if (Sql.uniqueViolation(e) || isBatchUniqueViolation(e)) {
                    throw FerryException.conflict("that key is already stored for " + v.label()
                            + " (see: ferry vps keys list " + v.id() + ")");
                }
                throw e;
            }
            return null;
        });
        List<String> added = keys.stream().map(SshPublicKey::fingerprint).toList();
        return of(v.id()).stream().filter(k -> added.contains(k.fingerprint())).toList();
    }

    private static boolean isBatchUniqueViolation(SQLException e) {
        for (SQLException next = e.getNextException(); next != null; next = next.getNextException()) {
            if (Sql.uniqueViolation(next)) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException cause && Sql.uniqueViolation(cause);
    }

    /**
     * Removes the key {@code fingerprint} of {@code v}: the key removed.
     *
     * @throws FerryException NOT_FOUND when {@code v} has no such key, CONFLICT when it is its last
     */
    VpsKey remove(Vps v, String fingerprint) {
        return sql.transaction(c -> {
            // serialises key changes of one VPS, so two removals cannot both pass the last-key check
            Sql.query(c, "SELECT id FROM vps WHERE id = ? FOR UPDATE", rs -> Boolean.TRUE, v.id());
            List<VpsKey> keys = of(v.id());
            VpsKey target = keys.stream().filter(k -> k.fingerprint().equals(fingerprint)).findFirst()
                    .orElseThrow(() -> FerryException.notFound("no key " + fingerprint + " is stored for "
                            + v.label() + " (see: ferry vps keys list " + v.id() + ")"));
            if (keys.size() == 1) {
                throw FerryException.conflict(fingerprint + " is the last key of " + v.label()
                        + ": nobody could log in without it; add another key first, or remove the VPS");
            }
            Sql.update(c, "DELETE FROM vps_key WHERE vps_id = ? AND fingerprint = ?", v.id(), fingerprint);
            return target;
        });
    }

    /**
     * How the key {@code fingerprint} reaches the VPS {@code ref} names, if that VPS exists: one query, whether it is
     * a key of the VPS's own, a person's key, both or neither (DESIGN.md: one registry round trip per login). A
     * certified person's credential ({@link ClientCa#credential}) is that person, and no VPS's key.
     */
    Optional<KeyAccess> access(VpsRef ref, String fingerprint) {
        return sql.query("SELECT v.id, v.owner, (SELECT COUNT(*) FROM vps_key k WHERE k.vps_id = v.id AND "
                + "k.fingerprint = ?) AS vps_keys, p.name AS person, p.role, p.disabled_at, g.vps_id, g.person AS "
                + "grantee, g.logins, g.expires_at, g.granted_by, g.granted_at FROM vps v "
                + "LEFT JOIN person p ON p.name = " + personOf(fingerprint) + " "
                + "LEFT JOIN vps_grant g ON g.vps_id = v.id AND g.person = p.name WHERE "
                + JdbcRegistry.whereRef(ref), rs -> {
                    String person = rs.getString("person");
                    return new KeyAccess(rs.getLong("id"), rs.getInt("vps_keys") > 0, person,
                            person == null ? null : Role.fromWord(rs.getString("role")),
                            rs.getObject("disabled_at") != null, person != null && person.equals(rs.getString("owner")),
                            rs.getString("grantee") == null ? null : JdbcPeople.grant(rs));
                }, fingerprint, personParameter(fingerprint), JdbcRegistry.refValue(ref)).stream().findFirst();
    }

    /**
     * SQL for the name of the person a credential is: who holds the key with that fingerprint, or the person a
     * certificate names; with one parameter, {@link #personParameter}.
     */
    static String personOf(String credential) {
        return ClientCa.certified(credential).isPresent() ? "?"
                : "(SELECT pk.person FROM person_key pk WHERE pk.fingerprint = ?)";
    }

    static String personParameter(String credential) {
        return ClientCa.certified(credential).orElse(credential);
    }

    /**
     * What lets the key {@code fingerprint} reach some VPS, for the jump user's login: its person's name, when they
     * are an admin, own a VPS or hold a grant not ended at {@code now}; else {@code VPS key} when a VPS holds it
     * (counted when {@code vpsKeys}); empty when it reaches nothing. One query.
     */
    Optional<String> jumpVia(String fingerprint, boolean vpsKeys, Instant now) {
        String person = "SELECT 1 FROM person p WHERE p.name = " + personOf(fingerprint) + " AND ";
        Object who = personParameter(fingerprint);
        List<Object> args = new ArrayList<>(List.of(who, who, now, who));
        if (vpsKeys) {
            args.add(fingerprint);
        }
        // a disabled person's key, or an auditor's, reaches nothing, even where a VPS holds it too
        return Optional.ofNullable(sql.query("SELECT CASE WHEN EXISTS (" + person + "(p.disabled_at IS NOT NULL "
                + "OR p.role = 'auditor')) THEN NULL WHEN EXISTS (" + person + "(p.role = 'admin' OR EXISTS (SELECT 1 "
                + "FROM vps_grant g WHERE g.person = p.name AND (g.expires_at IS NULL OR g.expires_at > ?)) OR EXISTS "
                + "(SELECT 1 FROM vps v WHERE v.owner = p.name))) THEN " + personOf(fingerprint) + " "
                + (vpsKeys ? "WHEN EXISTS (SELECT 1 FROM vps_key WHERE fingerprint = ?) THEN 'VPS key' " : "")
                + "ELSE NULL END", rs -> Optional.ofNullable(rs.getString(1)), args.toArray()).get(0).orElse(null));
    }

    private static VpsKey key(ResultSet rs) throws SQLException {
        byte[] blob = Base64.getDecoder().decode(rs.getString("key_blob"));
        return new VpsKey(rs.getLong("vps_id"),
                new SshPublicKey(rs.getString("key_type"), blob, rs.getString("comment")),
                Sql.instant(rs, "added_at"));
    }
}

package dev.ferry.bastion.people;

import dev.ferry.bastion.FerryException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a person may do. */
public enum Role {
    /** Everything, people included; logs in to every VPS as any user. */
    ADMIN,
    /** Creates VPS, which they then own; manages and logs in to the VPS they own or are granted. */
    MEMBER,
    /** Reads VPS, sessions, recordings and the audit; logs in nowhere. */
    AUDITOR;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws FerryException INVALID naming the roles there are */
    public static Role fromWord(String word) {
        for (Role r : values()) {
            if (r.word().equals(word == null ? "" : word.strip().toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw FerryException.invalid("no role '" + word + "': a role is one of " + Arrays.stream(values())
                .map(Role::word).collect(Collectors.joining(", ")));
    }
}

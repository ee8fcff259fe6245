package dev.ferry.bastion.people;

import dev.ferry.bastion.FerryException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Someone who uses Ferry.
 *
 * @param name       lower-case, a letter then up to 31 letters, digits, '-' or '_' (as a Unix user name)
 * @param disabledAt when they were disabled, or null while they are not
 * @param disabledBy who disabled them, or null
 * @param keyCount   how many SSH keys they have
 */
public record Person(String name, Role role, Instant disabledAt, String disabledBy, Instant createdAt,
                     String createdBy, int keyCount) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    public Person {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }

    public boolean disabled() {
        return disabledAt != null;
    }

    /** Whether {@code s} is a person's name, as it is (not lower-cased). */
    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    /** Checks a person's name and returns it lower-cased. */
    public static String validName(String name) {
        String s = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (!NAME.matcher(s).matches()) {
            throw FerryException.invalid("'" + name + "' is not a person's name: use a letter followed by up to 31 "
                    + "letters, digits, '-' or '_' (as a Unix user name)");
        }
        return s;
    }
}

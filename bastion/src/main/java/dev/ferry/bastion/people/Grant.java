package dev.ferry.bastion.people;

import dev.ferry.bastion.FerryException;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A person's access to one VPS.
 *
 * @param logins    the login users it allows inside the VPS (the {@code +user} of {@code vps-web+user}); empty for
 *                  any
 * @param expiresAt when it ends, or null for never
 * @param grantedBy who granted it (a person's name, or {@code admin token})
 */
public record Grant(long vpsId, String person, List<String> logins, Instant expiresAt, String grantedBy,
                    Instant grantedAt) {
    /** A login user as the bastion's user names take it ({@code vps-web+dev}). */
    private static final Pattern LOGIN = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    /** More login users than this in one grant is a mistake, not a policy (and 16 of 32 characters fit its column). */
    public static final int MAX_LOGINS = 16;

    public Grant {
        logins = List.copyOf(logins);
    }

    /** Whether it lets its person log in as {@code login} at {@code now}. */
    public boolean allows(String login, Instant now) {
        return !expired(now) && (logins.isEmpty() || logins.contains(login));
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Checks the login users of a grant as given ({@code root,dev}). */
    /** Whether {@code s} is a login user's name, as it is. */
    public static boolean isLogin(String s) {
        return s != null && LOGIN.matcher(s).matches();
    }

    public static List<String> validLogins(List<String> logins) {
        if (logins.size() > MAX_LOGINS) {
            throw FerryException.invalid("a grant names at most " + MAX_LOGINS + " login users, not "
                    + logins.size());
        }
        for (String l : logins) {
            if (!LOGIN.matcher(l).matches()) {
                throw FerryException.invalid("'" + l + "' is not a login user: a letter or '_', then up to 31 "
                        + "letters, digits, '_', '.' or '-'");
            }
        }
        return logins.stream().distinct().toList();
    }
}

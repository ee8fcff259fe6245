package dev.ferry.bastion.vps;

import dev.ferry.bastion.FerryException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a user names a VPS: its numeric id (a 64-bit snowflake) or its name. Names are lower-case
 * {@code [a-z][a-z0-9-]{0,62}}; matching is case-insensitive because the OpenSSH client lower-cases
 * host names. A name can never look like an id since it starts with a letter.
 */
public record VpsRef(Long id, String name) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");

    public VpsRef {
        if ((id == null) == (name == null)) {
            throw new IllegalArgumentException("a VPS reference is either an id or a name");
        }
    }

    public static VpsRef ofId(long id) {
        return new VpsRef(id, null);
    }

    /**
     * Parses what a user typed. Throws {@link FerryException} (invalid) with a sentence saying what a
     * reference looks like.
     */
    public static VpsRef parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (DIGITS.matcher(s).matches()) {
            try {
                return new VpsRef(Long.parseLong(s), null);
            } catch (NumberFormatException tooBig) {
                // falls through to the error below: 19 digits beyond Long.MAX_VALUE
            }
        } else if (NAME.matcher(s).matches()) {
            return new VpsRef(null, s);
        }
        throw FerryException.invalid("'" + printable(text) + "' is not a VPS id or name "
                + "(an id is a number of up to 19 digits, a name is a letter followed by up to 62 "
                + "letters, digits or '-')");
    }

    /** Checks a name for a new VPS and returns it lower-cased. */
    public static String validName(String name) {
        String s = name.strip().toLowerCase(Locale.ROOT);
        if (!NAME.matcher(s).matches()) {
            throw FerryException.invalid("name '" + printable(name) + "' is not valid: use a letter "
                    + "followed by up to 62 letters, digits or '-'");
        }
        return s;
    }

    /** Echoes user input safely in messages. */
    static String printable(String s) {
        return dev.ferry.bastion.Text.printable(s, 80);
    }

    @Override
    public String toString() {
        return id != null ? Long.toString(id) : name;
    }
}

package dev.ferry.protocol;

/**
 * Text that comes from a container or an engine (error sentences in reports) made safe to store and show:
 * at most {@link #MAX} code points, with control, format (bidi overrides, zero-width) and line or paragraph
 * separators shown as '?', so a tenant's output can neither overflow a heartbeat's row nor drive a terminal.
 * Applied where a report is built and again where it is read, since each side may be the older one.
 */
public final class ReportText {
    /** Longest error sentence kept; the registry's column holds 2048 characters. */
    public static final int MAX = 1000;

    private ReportText() {
    }

    /** {@code s} bounded to {@link #MAX} and made printable; null stays null. */
    public static String bounded(String s) {
        return s == null ? null : printable(s, MAX);
    }

    /** At most {@code max} code points (then "..."), every unsafe one shown as '?'. */
    public static String printable(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(max).forEach(c -> b.appendCodePoint(safe(c) ? c : '?'));
        return s.codePointCount(0, s.length()) > max ? b + "..." : b.toString();
    }

    private static boolean safe(int c) {
        int type = Character.getType(c);
        return !Character.isISOControl(c) && type != Character.FORMAT && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR && type != Character.UNASSIGNED
                && type != Character.PRIVATE_USE && type != Character.SURROGATE;
    }
}

package dev.ferry.bastion;

/** Client-supplied text made safe for messages and logs. */
public final class Text {
    private Text() {
    }

    /**
     * At most {@code max} code points, with control, format (bidi overrides, zero-width) and line or
     * paragraph separator characters shown as '?', so nothing a client sends can reorder or break lines.
     */
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

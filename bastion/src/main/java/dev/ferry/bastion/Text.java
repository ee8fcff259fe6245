package dev.ferry.bastion;

import dev.ferry.protocol.ReportText;

/** Client-supplied text made safe for messages and logs. */
public final class Text {
    private Text() {
    }

    /**
     * At most {@code max} code points, with control, format (bidi overrides, zero-width) and line or
     * paragraph separator characters shown as '?', so nothing a client sends can reorder or break lines.
     */
    public static String printable(String s, int max) {
        return ReportText.printable(s, max);
    }
}

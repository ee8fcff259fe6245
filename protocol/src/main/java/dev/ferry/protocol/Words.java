package dev.ferry.protocol;

import java.util.Locale;

/** How the protocol's enums are spelled on the wire: lower-case words, read leniently. */
final class Words {
    private Words() {
    }

    static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The constant {@code word} names, or {@code unknown} when there is none (null included). */
    static <E extends Enum<E>> E parse(Class<E> type, String word, E unknown) {
        if (word == null) {
            return unknown;
        }
        try {
            return Enum.valueOf(type, word.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return unknown;
        }
    }
}

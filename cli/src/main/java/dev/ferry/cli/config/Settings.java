package dev.ferry.cli.config;

import java.util.function.Supplier;

/** The one precedence rule of every setting: flag, then environment or config file, then default. */
public final class Settings {
    private Settings() {
    }

    /** The first value given and not blank, stripped; {@code null} when none is. */
    public static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }

    /** {@link #first(String...)} asking each source only when the ones before it gave nothing. */
    @SafeVarargs
    public static String firstOf(Supplier<String>... sources) {
        for (Supplier<String> source : sources) {
            String v = first(source.get());
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** The flag, else the config file's value, else the default. */
    public static <T> T pick(T flag, T file, T fallback) {
        return flag != null ? flag : file != null ? file : fallback;
    }
}

package dev.ferry.cli.config;

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

    /** The flag, else the config file's value, else the default. */
    public static <T> T pick(T flag, T file, T fallback) {
        return flag != null ? flag : file != null ? file : fallback;
    }
}

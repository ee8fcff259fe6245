package dev.ferry.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI reads from its surroundings: environment variables and the home directory. Passed in,
 * not read from {@link System}, so tests run commands against their own temporary homes.
 */
public record Env(Map<String, String> vars, Path home) {
    public Env {
        vars = Map.copyOf(vars);
    }

    public static Env system() {
        return new Env(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    public String get(String name) {
        String v = vars.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * How the user runs Ferry, for the commands it prints: {@code ferry} when the launcher is on the PATH under that
     * name, else the path it was run by ({@code ./ferry}), as the launcher says in {@code FERRY_LAUNCHER}.
     */
    public String launcher() {
        String l = get("FERRY_LAUNCHER");
        return l == null ? "ferry" : dev.ferry.cli.ssh.ShellWords.quote(l);
    }

    /** {@code $FERRY_HOME}, else {@code ~/.ferry}: the local Host's data directory and config. */
    public Path ferryHome() {
        String h = get("FERRY_HOME");
        return h != null ? Path.of(h) : home.resolve(".ferry");
    }

    /** {@code ~/.ferry/config.toml}, or under {@code $FERRY_HOME}. */
    public Path defaultConfigFile() {
        return ferryHome().resolve("config.toml");
    }
}

package dev.ferry.cli.config;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each key of a TOML file is written ({@code host.ssh_port} on line 3), for messages that point at the line:
 * a key's line under its {@code [table]} header, the first one when a key repeats (TOML refuses that anyway).
 */
final class TomlLines {
    private static final Pattern TABLE = Pattern.compile("^\\s*\\[\\s*([A-Za-z0-9_.-]+)\\s*]\\s*(#.*)?$");
    private static final Pattern KEY = Pattern.compile("^\\s*([A-Za-z0-9_-]+)\\s*=");

    private final Map<String, Integer> lines;

    private TomlLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    static TomlLines of(String text) {
        Map<String, Integer> lines = new HashMap<>();
        String table = "";
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            Matcher t = TABLE.matcher(line);
            if (t.matches()) {
                table = t.group(1) + ".";
                continue;
            }
            Matcher k = KEY.matcher(line);
            if (k.find()) {
                lines.putIfAbsent(table + k.group(1), n);
            }
        }
        return new TomlLines(lines);
    }

    /** {@code " (line N)"} for the key at {@code path}, or nothing when it is not found as written. */
    String at(String path) {
        Integer line = lines.get(path);
        return line == null ? "" : " (line " + line + ")";
    }
}

package dev.ferry.bastion.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ferry.bastion.net.Cidr;
import dev.ferry.bastion.ssh.frontdoor.Startups;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One setting of {@code ferry host}, declared once in {@link HostSettings}: its key in config.toml's {@code [host]}
 * section, what it takes, its bounds and default, what it does and the flag that overrides it (as MINA SSHD's
 * {@code Property<T>}). The config file's parser, the flags, the error messages and the README's configuration
 * section all come from it.
 *
 * @param key      the key in {@code [host]}
 * @param takes    what a value must be, as error messages say it ("a whole number from 0 to 65535")
 * @param fallback the default, or null when it depends on where the Host runs (then {@code defaultText} says how)
 * @param shown    the default as the README shows it
 * @param example  a value as written in config.toml, for the README and error messages
 * @param doc      what it does, one sentence or two
 * @param flag     the command-line flag of {@code ferry host} and {@code ferry up} that overrides it, or null
 * @param read     a config file's value (or a flag's, as text) to the setting's, or an IllegalArgumentException
 *                 saying what is wrong with it
 */
public record Setting<T>(String key, String takes, T fallback, String shown, String example, String doc, String flag,
                         Function<JsonNode, T> read) {
    /** The setting's value of {@code node}; the message of a refusal names the key, what it takes and an example. */
    public T valueOf(JsonNode node) {
        try {
            return read.apply(node);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " " + problem(node.toString(), e.getMessage())
                    + "; for example " + key + " = " + example);
        }
    }

    /** The value of the text given to its flag, read as the same value in a config file would be. */
    public T valueOfFlag(String text) {
        JsonNode node = JsonNodeFactory.instance.textNode(text);
        if (text.matches("-?[0-9]{1,18}")) {
            node = JsonNodeFactory.instance.numberNode(Long.parseLong(text));
        } else if (text.equals("true") || text.equals("false")) {
            node = JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(text));
        }
        try {
            return read.apply(node);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " " + problem("'" + text + "'", e.getMessage()).replace(
                    " in quotes", ""));
        }
    }

    /** A value given in code (tests, a flag's typed field), checked as the same value in a config file. */
    public T checked(T value) {
        return valueOf(node(value));
    }

    /** {@code value} as config.toml writes it, in Jackson's tree. */
    private static JsonNode node(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value == null) {
            return f.nullNode();
        } else if (value instanceof Duration d) {
            return f.numberNode(d.toSeconds());
        } else if (value instanceof Integer i) {
            return f.numberNode(i);
        } else if (value instanceof Boolean b) {
            return f.booleanNode(b);
        } else if (value instanceof List<?> list) {
            ArrayNode array = f.arrayNode();
            list.forEach(e -> array.add(node(e)));
            return array;
        }
        return f.textNode(value.toString());
    }

    /** "must be (what it takes) (why), got (what it got)". */
    private String problem(String got, String why) {
        String reason = why == null ? "" : why.replaceFirst("^" + key + ":? ", "");
        return "must be " + takes + (reason.isBlank() ? "" : " (" + reason + ")") + ", got " + got;
    }

    /** A whole number from {@code min} to {@code max}. */
    static Setting<Integer> number(String key, int fallback, int min, int max, String doc) {
        return new Setting<>(key, "a whole number from " + min + " to " + max, fallback, Integer.toString(fallback),
                Integer.toString(fallback), doc, null, n -> (int) whole(n, min, max));
    }

    /** A number of seconds from {@code min} to {@code max}. */
    static Setting<Duration> seconds(String key, int fallback, int min, int max, String doc) {
        return new Setting<>(key, "a whole number of seconds from " + min + " to " + max, Duration.ofSeconds(fallback),
                Integer.toString(fallback), Integer.toString(fallback), doc, null,
                n -> Duration.ofSeconds(whole(n, min, max)));
    }

    static Setting<Boolean> bool(String key, boolean fallback, String doc) {
        return new Setting<>(key, "true or false", fallback, Boolean.toString(fallback), Boolean.toString(fallback),
                doc, null, n -> {
                    if (!n.isBoolean()) {
                        throw new IllegalArgumentException("");
                    }
                    return n.booleanValue();
                });
    }

    /** An IP address or host name. */
    static Setting<String> address(String key, String fallback, String doc) {
        return new Setting<>(key, "an IP address or host name in quotes", fallback, quoted(fallback), quoted(fallback),
                doc, null, n -> {
                    String s = text(n);
                    if (!s.matches("[0-9A-Za-z.:%\\[\\]-]{1,255}")) {
                        throw new IllegalArgumentException("");
                    }
                    return s.replaceAll("^\\[|]$", "");
                });
    }

    /** Text, with its meaning in {@code takes}; {@code parse} may refuse it. */
    static <T> Setting<T> text(String key, String takes, T fallback, String shown, String example, String doc,
                               Function<String, T> parse) {
        return new Setting<>(key, takes, fallback, shown, example, doc, null, n -> parse.apply(text(n)));
    }

    /** A file's path. */
    static Setting<Path> path(String key, String shown, String example, String doc) {
        return text(key, "a path in quotes", null, shown, quoted(example), doc, s -> Path.of(s.strip()));
    }

    /** MaxStartups' {@code start:rate:full}. */
    static Setting<Startups> startups(String key, Startups fallback, String doc) {
        return text(key, "start:rate:full in quotes, with 1 <= start <= full and a rate of 0 to 100", fallback,
                quoted(fallback.toString()), quoted(fallback.toString()), doc, s -> {
                    try {
                        return Startups.parse(key, s);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("");
                    }
                });
    }

    /** A list of addresses and networks ({@code ["10.0.0.0/8", "192.0.2.7"]}); the default is none. */
    static Setting<List<String>> networks(String key, String example, String doc) {
        return list(key, "a list of addresses and networks in quotes", List.of(), "none", example, doc, list -> {
            list.forEach(Cidr::parse);
            return list;
        });
    }

    /** A list of texts, checked (and perhaps normalised) as a whole by {@code check}. */
    static Setting<List<String>> list(String key, String takes, List<String> fallback, String shown, String example,
                                      String doc, Function<List<String>, List<String>> check) {
        return new Setting<>(key, takes, fallback, shown, example, doc, null, n -> {
            if (!n.isArray()) {
                throw new IllegalArgumentException("a list in brackets");
            }
            List<String> values = new ArrayList<>();
            for (JsonNode e : n) {
                values.add(text(e));
            }
            return check.apply(List.copyOf(values));
        });
    }

    /** The same setting, overridden on the command line by {@code flag}. */
    Setting<T> withFlag(String flag) {
        return new Setting<>(key, takes, fallback, shown, example, doc, flag, read);
    }

    private static long whole(JsonNode n, long min, long max) {
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw new IllegalArgumentException("");
        }
        return n.longValue();
    }

    private static String text(JsonNode n) {
        if (!n.isTextual()) {
            throw new IllegalArgumentException("text in quotes");
        }
        return n.textValue();
    }

    static String quoted(String s) {
        return s == null ? "" : "\"" + s + "\"";
    }

    @Override
    public String toString() {
        return key;
    }
}

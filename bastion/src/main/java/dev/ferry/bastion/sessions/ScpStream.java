package dev.ferry.bastion.sessions;

import dev.ferry.bastion.Text;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of an {@code scp -O} transfer (the old protocol: {@code scp -t} receives, {@code scp -f} sends), read
 * from the sending side's stream: each {@code C<mode> <size> <name>} header names a file (within the directories
 * {@code D...}/{@code E} open around it), its bytes are only counted, and errors ({@code \1}, {@code \2} lines) are
 * kept. A header line longer than {@link #MAX_LINE} ends the following: the rest of the transfer goes unnamed.
 */
final class ScpStream {
    static final int MAX_LINE = 4096;
    private static final Pattern SCP = Pattern.compile("(?:^|.*/)scp( .*)? -([a-zA-Z]*[tf])[a-zA-Z]*( .*)?");
    private static final Pattern FILE = Pattern.compile("([CD])([0-7]{3,4}) (\\d+) (.+)");

    private final Consumer<Map<String, Object>> events;
    /** Whether the VPS receives ({@code scp -t}): then the client sends. */
    private final boolean upload;
    private final Deque<String> dirs = new ArrayDeque<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long skip;
    private boolean lost;

    private ScpStream(boolean upload, Consumer<Map<String, Object>> events) {
        this.upload = upload;
        this.events = events;
    }

    /** A follower for {@code command} when it is the remote end of an scp transfer, else null. */
    static ScpStream of(String command, Consumer<Map<String, Object>> events) {
        Matcher m = SCP.matcher(command);
        if (!m.matches()) {
            return null;
        }
        return new ScpStream(m.group(2).endsWith("t"), events);
    }

    /** Bytes of the channel's data, to the VPS or from it. */
    synchronized void data(boolean toVps, byte[] b, int off, int n) {
        if (toVps != upload || lost) {
            return; // the other side's acknowledgements
        }
        int end = off + n;
        while (off < end) {
            if (skip > 0) {
                int take = (int) Math.min(skip, end - off);
                skip -= take;
                off += take;
                continue;
            }
            byte c = b[off++];
            if (line.size() == 0 && c == 0) {
                continue; // the end of a file's bytes
            }
            if (c != '\n') {
                if (line.size() >= MAX_LINE) {
                    lost = true;
                    events.accept(fields("unfollowed", "a header longer than " + MAX_LINE + " bytes"));
                    return;
                }
                line.write(c);
                continue;
            }
            header(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
    }

    private void header(String h) {
        if (h.isEmpty()) {
            return;
        }
        char kind = h.charAt(0);
        if (kind == 'E') {
            dirs.pollLast();
            return;
        }
        if (kind == 1 || kind == 2) {
            events.accept(fields("error", Text.printable(h.substring(1), 300)));
            return;
        }
        Matcher m = FILE.matcher(h);
        if (!m.matches()) {
            return; // T (times) and anything else
        }
        String name = Text.printable(m.group(4), 1024);
        String path = dirs.isEmpty() ? name : String.join("/", dirs) + "/" + name;
        if (m.group(1).equals("D")) {
            dirs.addLast(name);
            events.accept(fields("dir", path, "mode", m.group(2)));
            return;
        }
        long size = Long.parseLong(m.group(3).length() > 18 ? "0" : m.group(3));
        skip = size;
        events.accept(fields("file", path, "mode", m.group(2), "bytes", size));
    }

    private Map<String, Object> fields(String op, String path, Object... more) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("op", op);
        e.put("direction", upload ? "to the VPS" : "from the VPS");
        e.put(op.equals("error") || op.equals("unfollowed") ? "message" : "path", path);
        for (int i = 0; i + 1 < more.length; i += 2) {
            e.put((String) more[i], more[i + 1]);
        }
        return e;
    }
}

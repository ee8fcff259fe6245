package dev.ferry.bastion.sessions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.ferry.api.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What plain mode records of one session, as the bridge relays it: an event log (each channel's purpose, commands
 * with their exit status, forwards with their targets, bytes and durations) and, for each terminal, its asciicast.
 * Called from the I/O threads of the session, one message at a time per channel; it never waits: what it writes goes
 * to the {@link RecordingWriter}, and it answers whether the channel's producer should hold back.
 */
public final class SessionRecorder {
    private static final Logger log = LoggerFactory.getLogger(SessionRecorder.class);
    private static final ObjectWriter COMPACT = Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);
    /** The events file of a session's recording. */
    public static final String EVENTS = "events.jsonl.gz";

    /** Who the session is, as its recording's header names it. */
    public record Subject(String session, String user, String key, String client, String vpsId, String vps,
                          String login, String host) {
        Subject withHost(String host) {
            return new Subject(session, user, key, client, vpsId, vps, login, host);
        }
    }

    /** What the Host records beyond the defaults. */
    public record Options(boolean input, boolean execOutput) {
    }

    /** One channel as the recorder follows it. */
    private static final class Channel {
        final long id;
        final long startNanos = System.nanoTime();
        volatile String term;
        volatile int cols = 80;
        volatile int rows = 24;
        volatile String kind = "session";
        volatile Asciicast cast;
        volatile SftpStream sftp;
        volatile ScpStream scp;

        Channel(long id) {
            this.id = id;
        }
    }

    private final Recordings recordings;
    private final Subject subject;
    private final Options options;
    private final String dir;
    private final Instant start = Instant.now();
    private final long startNanos = System.nanoTime();
    private final Map<Long, Channel> channels = new ConcurrentHashMap<>();
    private final AtomicBoolean failed = new AtomicBoolean();
    private volatile RecordingWriter.Track events;
    private volatile LongConsumer drained = channel -> {
    };
    private volatile Consumer<String> onFailed = why -> {
    };
    private volatile String failure;

    SessionRecorder(Recordings recordings, Subject subject, Options options, String dir) {
        this.recordings = recordings;
        this.subject = subject;
        this.options = options;
        this.dir = dir;
    }

    /** Where the session's files are, under the recordings' root ({@code 2026/12/07/s12/}). */
    public String dir() {
        return dir;
    }

    /**
     * Who hears that a channel's terminal recording has caught up after {@link #holding} said to hold back: the
     * bridge, which then passes on the window it held.
     */
    public void onDrained(LongConsumer listener) {
        this.drained = listener;
    }

    /** Who hears, once, that this session can no longer be recorded (the sentence says why). */
    public void onFailed(Consumer<String> listener) {
        this.onFailed = listener;
    }

    /** Why this session cannot be recorded now, or null when it can. */
    public String unrecordable() {
        String own = failure;
        return own != null ? own : recordings.failing();
    }

    /**
     * Whether what comes from the VPS on {@code channel} should be held back: its terminal's recording waits for the
     * disk. The bridge then holds the user's window adjustments, so the VPS sends no faster than the disk takes it.
     */
    public boolean holding(long channel) {
        Channel c = channels.get(channel);
        Asciicast cast = c == null ? null : c.cast;
        return cast != null && cast.file().holdingBack();
    }

    /** A channel opened: a session channel (its purpose comes with its request) or a forward. */
    public void opened(long channel, String kind, String target) {
        Channel c = new Channel(channel);
        c.kind = kind;
        channels.put(channel, c);
        if (!kind.equals("session")) {
            event(c, "open", Map.of("kind", kind, "target", target));
        }
    }

    /**
     * A request on a channel: {@code pty-req}, {@code shell}, {@code exec}, {@code subsystem},
     * {@code window-change} from the user; {@code exit-status}, {@code exit-signal} from the VPS.
     *
     * @param text   the terminal type, command, subsystem or signal
     * @param number columns, or the exit status
     */
    public void request(long channel, String name, String text, int number, int rows) {
        Channel c = channels.get(channel);
        if (c == null) {
            return;
        }
        switch (name) {
            case "pty-req" -> {
                c.term = text;
                c.cols = number > 0 ? number : 80; // 0: the client has no terminal size to give
                c.rows = rows > 0 ? rows : 24;
            }
            case "window-change" -> {
                c.cols = number > 0 ? number : c.cols;
                c.rows = rows > 0 ? rows : c.rows;
                Asciicast cast = c.cast;
                if (cast != null) {
                    cast.resize(c.cols, c.rows);
                }
            }
            case "shell" -> {
                c.kind = "shell";
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("pty", c.term == null ? null : c.term + " " + c.cols + "x" + c.rows);
                if (c.term != null) {
                    fields.put("recording", startCast(c, null));
                }
                event(c, "shell", fields);
            }
            case "exec" -> {
                c.kind = "exec";
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("command", text);
                fields.put("pty", c.term == null ? null : c.term + " " + c.cols + "x" + c.rows);
                if (c.term != null || options.execOutput()) {
                    fields.put("recording", startCast(c, text));
                }
                event(c, "exec", fields);
                c.scp = ScpStream.of(text, op -> event(c, "scp", op));
            }
            case "subsystem" -> {
                c.kind = text.equals("sftp") ? "sftp" : "subsystem";
                event(c, "subsystem", Map.of("name", text));
                if (text.equals("sftp")) {
                    c.sftp = new SftpStream(op -> event(c, "sftp", op));
                }
            }
            case "exit-status" -> event(c, "exit", Map.of("status", number));
            case "exit-signal" -> event(c, "exit", Map.of("signal", text));
            default -> {
            }
        }
    }

    /**
     * Data on a channel (extended data, stderr, too).
     *
     * @return whether the channel's producer should hold back until {@link #drained} is heard
     */
    public boolean data(long channel, boolean toVps, byte[] b, int off, int n) {
        Channel c = channels.get(channel);
        if (c == null) {
            return false;
        }
        SftpStream sftp = c.sftp;
        if (sftp != null) {
            sftp.data(toVps, b, off, n);
        }
        ScpStream scp = c.scp;
        if (scp != null) {
            scp.data(toVps, b, off, n);
        }
        Asciicast cast = c.cast;
        if (cast == null) {
            return false;
        }
        if (!toVps) {
            return cast.output(b, off, n);
        }
        return options.input() && cast.input(b, off, n);
    }

    /** A channel ended: its bytes and time, and its terminal's recording closes. */
    public void closed(long channel, long bytesToVps, long bytesFromVps) {
        Channel c = channels.remove(channel);
        if (c == null) {
            return;
        }
        SftpStream sftp = c.sftp;
        if (sftp != null) {
            sftp.end();
        }
        event(c, "close", Map.of("kind", c.kind, "bytes_to_vps", bytesToVps, "bytes_from_vps", bytesFromVps, "ms",
                (System.nanoTime() - c.startNanos) / 1_000_000));
        Asciicast cast = c.cast;
        if (cast != null) {
            recordings.close(subject, cast.file());
        }
    }

    /** The session ended: every file closes. */
    public void close() {
        channels.keySet().forEach(id -> closed(id, 0, 0));
        RecordingWriter.Track e = events;
        if (e != null) {
            e.write(line(Map.of("t", seconds(), "event", "end")));
            recordings.close(subject, e);
        }
    }

    private String startCast(Channel c, String command) {
        String name = dir + c.id + ".cast.gz";
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("version", 2);
        header.put("width", c.cols);
        header.put("height", c.rows);
        header.put("timestamp", Instant.now().getEpochSecond());
        if (command != null) {
            header.put("command", command);
        }
        header.put("title", subject.session() + " " + subject.user() + " from " + subject.client());
        header.put("env", Map.of("TERM", c.term == null ? "" : c.term));
        header.put("ferry", header());
        c.cast = new Asciicast(recordings.open(subject, name, "terminal", c.id, this::failed,
                () -> drained.accept(c.id)), line(header), System.nanoTime(),
                event -> recordings.feed().offer(subject.session(), event));
        return name;
    }

    private Map<String, Object> header() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("session", subject.session());
        h.put("user", subject.user());
        h.put("key", subject.key());
        h.put("client", subject.client());
        h.put("vps_id", subject.vpsId());
        h.put("vps", subject.vps());
        h.put("login", subject.login());
        h.put("host", subject.host());
        return h;
    }

    private void event(Channel c, String event, Map<String, Object> fields) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("t", seconds());
        e.put("event", event);
        e.put("channel", c.id);
        e.putAll(fields);
        events().write(line(e));
    }

    private RecordingWriter.Track events() {
        RecordingWriter.Track e = events;
        if (e == null) {
            synchronized (this) {
                if (events == null) {
                    events = recordings.open(subject, dir + EVENTS, "events", null, this::failed, () -> {
                    });
                    Map<String, Object> first = new LinkedHashMap<>();
                    first.put("t", 0);
                    first.put("event", "session");
                    first.put("time", start.toString());
                    first.putAll(header());
                    events.write(line(first));
                }
                e = events;
            }
        }
        return e;
    }

    private double seconds() {
        return Math.round((System.nanoTime() - startNanos) / 1e3) / 1e6;
    }

    private void failed(String why) {
        if (failed.compareAndSet(false, true)) {
            failure = why;
            log.warn("{} is no longer recorded: {}", subject.session(), why);
            recordings.failed(subject, why);
            onFailed.accept(why);
        }
    }

    private static String line(Map<String, Object> fields) {
        try {
            return COMPACT.writeValueAsString(fields) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a recording event", e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "recorder of %s in %s", subject.session(), dir);
    }
}

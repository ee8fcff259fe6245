package dev.ferry.bastion.api;

import dev.ferry.api.KillRequest;
import dev.ferry.api.SessionView;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.Text;
import dev.ferry.bastion.api.Router.Request;
import dev.ferry.bastion.api.Router.Response;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.sessions.RecordingFiles;
import dev.ferry.bastion.sessions.RecordingStore;
import dev.ferry.bastion.sessions.Recordings;
import dev.ferry.bastion.sessions.SessionBoard;
import dev.ferry.bastion.vps.VpsRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The live sessions of the control API: the fleet's list, one session, and its end. */
public final class SessionRoutes {
    static final String SESSIONS = "/api/v1/sessions";
    /** Longest reason a kill may give: the user's client prints it on one line. */
    static final int MAX_REASON = 200;
    /** Who ends a session through the control API (the admin token; people come with their own names). */
    static final String ADMIN = "an administrator";

    private final SessionBoard board;
    private final VpsRegistry registry;
    private final Recordings recordings;

    public SessionRoutes(SessionBoard board, VpsRegistry registry, Recordings recordings) {
        this.board = board;
        this.registry = registry;
        this.recordings = recordings;
    }

    /** Adds this class's routes to a router. */
    public Router register(Router router) {
        return router
                .route("GET", SESSIONS, Need.READ_ALL, req -> Response.ok(Map.of("sessions", board.list())))
                .route("GET", VpsRoutes.VPS + "/{ref}/sessions", Need.VPS_SESSIONS, req -> Response.ok(Map.of(
                        "sessions", ofVps(registry.get(VpsRef.parse(req.param(0))).id()))))
                .route("GET", SESSIONS + "/{id}", Need.READ_ALL, req -> Response.ok(board.get(req.param(0))
                        .orElseThrow(() -> FerryException.notFound("no live session " + Text.printable(req.param(0),
                                30) + " (it ended, or it never was): ferry sessions list shows the live ones"))))
                .route("POST", SESSIONS + "/{id}/kill", this::kill)
                .route("GET", SESSIONS + "/{id}/watch/{after}", Need.READ_ALL, req -> Response.ok(board.watch(
                        req.param(0), after(req.param(1)))))
                .route("GET", SESSIONS + "/{id}/recordings", Need.READ_ALL, req -> Response.ok(Map.of("recordings",
                        files(req.param(0)).stream().map(SessionRoutes::fileView).toList())))
                .route("GET", SESSIONS + "/{id}/events", Need.READ_ALL, req -> content(req.param(0), null,
                        "application/x-ndjson"))
                .route("GET", SESSIONS + "/{id}/recordings/{channel}", Need.READ_ALL, req -> content(req.param(0),
                        channel(req.param(1)), "application/x-asciicast"))
                .route("GET", SESSIONS + "/{id}/verify", Need.READ_ALL, req -> Response.ok(Map.of("files",
                        files(req.param(0)).stream().map(this::verify).toList())));
    }

    private List<RecordingStore.File> files(String id) {
        List<RecordingStore.File> files = recordings.store().of(id);
        if (files.isEmpty()) {
            throw FerryException.notFound("session " + Text.printable(id, 30) + " has no recording: only plain-mode "
                    + "sessions that opened a channel are recorded (ferry sessions list shows the live ones)");
        }
        return files;
    }

    private static long after(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw FerryException.invalid("watch from a number: 0, then the 'next' of the answer before");
        }
    }

    private static long channel(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw FerryException.invalid("a channel is a number, as ferry sessions show lists it");
        }
    }

    /** The events of a session ({@code channel} null) or one terminal's asciicast, uncompressed, as it is read. */
    private Response content(String id, Long channel, String type) {
        RecordingStore.File file = files(id).stream().filter(f -> channel == null ? f.kind().equals("events")
                : channel.equals(f.channel())).findFirst().orElseThrow(() -> FerryException.notFound("session "
                + Text.printable(id, 30) + " has no terminal recording on channel " + channel + "; its recordings: "
                + String.join(", ", files(id).stream().map(RecordingStore.File::name).toList())));
        InputStream stored = open(file);
        return Response.ok(new Router.Streamed(type, out -> RecordingFiles.copy(stored, out)));
    }

    /** Recording {@code f} as stored, wherever it is; a 404 saying where it is when this Host cannot read it. */
    private InputStream open(RecordingStore.File f) {
        try {
            return recordings.open(f);
        } catch (NoSuchFileException e) {
            throw FerryException.notFound(e.getMessage());
        } catch (IOException e) {
            throw new FerryException(FerryException.Kind.INTERNAL, "cannot read recording " + f.name() + ": "
                    + e.getMessage());
        }
    }

    /** Whether a recording file is the one written: its SHA-256 now against the one kept when it closed. */
    private Map<String, Object> verify(RecordingStore.File f) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", f.name());
        v.put("sha256", f.sha256());
        String status;
        String actual = null;
        try (InputStream stored = recordings.open(f)) {
            actual = RecordingFiles.sha256(stored);
            status = f.sha256() == null ? "not closed" : f.sha256().equals(actual) ? "ok" : "modified";
        } catch (NoSuchFileException e) {
            status = "missing";
            v.put("why", e.getMessage());
        } catch (IOException e) {
            throw new FerryException(FerryException.Kind.INTERNAL, "cannot read recording " + f.name() + ": "
                    + e.getMessage());
        }
        v.put("actual", actual);
        v.put("status", status);
        return v;
    }

    private static Map<String, Object> fileView(RecordingStore.File f) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", f.name());
        v.put("kind", f.kind());
        v.put("channel", f.channel());
        v.put("vps_id", f.vpsId());
        v.put("host", f.holder());
        v.put("stored", f.archivedAt() != null ? "object store" : "host");
        v.put("opened_at", f.openedAt().toString());
        v.put("closed_at", f.closedAt() == null ? null : f.closedAt().toString());
        v.put("bytes", f.bytes());
        v.put("sha256", f.sha256());
        v.put("bytes_left_out", f.dropped());
        return v;
    }

    /** The sessions whose user name named the VPS, and those with a ProxyJump forward to it. */
    private List<SessionView> ofVps(long vpsId) {
        String id = Long.toString(vpsId);
        return board.list().stream().filter(s -> id.equals(s.vpsId())
                || s.channels().stream().anyMatch(c -> id.equals(c.vpsId()))).toList();
    }

    private Response kill(Request req) {
        String reason = req.body().length == 0 ? null : RequestBodies.read(req.body(), KillRequest.class).reason();
        reason = reason == null ? "" : reason.strip();
        if (reason.length() > MAX_REASON || !Text.printable(reason, MAX_REASON).equals(reason)) {
            throw FerryException.invalid("'reason' is one printable line of at most " + MAX_REASON + " characters");
        }
        SessionBoard.Ended ended = board.kill(req.param(0), reason, ADMIN);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", ended.id());
        body.put("host", ended.host());
        body.put("ended", ended.ended());
        return new Response(ended.ended() ? 200 : 202, body);
    }
}

package dev.ferry.bastion.api;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.people.Principal;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Maps {@code METHOD /path/{param}} to handlers. Path segments are percent-decoded one by one, and
 * {@code +} stays a plus: SHA256 fingerprints contain it.
 */
public final class Router {

    /** A body sent as it is, not as JSON (the metrics' text format). */
    public record Raw(String contentType, byte[] bytes) {
    }

    /**
     * A body written as it is read (a recording of any size): {@code body} writes it to the response on the thread
     * that answers. What could fail before the first byte (not found, not readable) fails in the handler instead,
     * as a sentence; a failure after it cuts the response short.
     */
    public record Streamed(String contentType, Body body) {
    }

    /** What a {@link Streamed} answer writes. */
    @FunctionalInterface
    public interface Body {
        void writeTo(java.io.OutputStream out) throws java.io.IOException;
    }

    /**
     * A handler's answer: status and a body that becomes JSON (or a {@link Raw} one, sent as it is, or a
     * {@link Streamed} one).
     */
    public record Response(int status, Object body) {
        public static Response ok(Object body) {
            return new Response(200, body);
        }

        public static Response created(Object body) {
            return new Response(201, body);
        }
    }

    /**
     * A request as a handler sees it.
     *
     * @param caller    who the request proved to be: the runner's name on runner routes, the join token on the join
     *                  route, null elsewhere
     * @param from      the address it came from
     * @param principal whom it acts as on a person's or the admin token's route, else null
     */
    public record Request(List<String> params, byte[] body, String caller, InetAddress from, Principal principal) {
        public String param(int i) {
            return params.get(i);
        }

        @Override
        public String toString() {
            return "Request[params=" + params + ", body=" + body.length + " bytes, caller=<secret>, from=" + from + "]";
        }
    }

    /** Handles one route. */
    @FunctionalInterface
    public interface Handler {
        Response handle(Request request);
    }

    /**
     * Who may call a route: anybody, the admin token, a runner's own credential, a join token (enrollment), or the
     * admin or metrics token (a Prometheus scrape).
     */
    public enum Realm { OPEN, ADMIN, RUNNER, JOIN, METRICS }

    /** A route found for a request, or the error it gets; {@code need} is what a person must be to call it. */
    public record Match(Realm realm, Need need, Handler handler, List<String> params) {
        Response handle(byte[] body, String caller, InetAddress from) {
            return handle(body, caller, from, null);
        }

        Response handle(byte[] body, String caller, InetAddress from, Principal principal) {
            return handler.handle(new Request(params, body, caller, from, principal));
        }
    }

    private record Route(String method, String[] segments, Realm realm, Need need, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    /** Adds a route for the admin token and admins; {@code pattern} like {@code /api/v1/vps/{ref}}. */
    public Router route(String method, String pattern, Handler handler) {
        return route(method, pattern, Need.ADMIN, handler);
    }

    /** Adds a route for the admin token and the people {@code need} lets call it. */
    public Router route(String method, String pattern, Need need, Handler handler) {
        routes.add(new Route(method, split(pattern), Realm.ADMIN, need, handler));
        return this;
    }

    /** Adds a route for runners, each with its own credential. */
    public Router runnerRoute(String method, String pattern, Handler handler) {
        routes.add(new Route(method, split(pattern), Realm.RUNNER, Need.ADMIN, handler));
        return this;
    }

    /** Adds a route for a join token (a runner enrolling). */
    public Router joinRoute(String method, String pattern, Handler handler) {
        routes.add(new Route(method, split(pattern), Realm.JOIN, Need.ADMIN, handler));
        return this;
    }

    /** Adds a route for the metrics token (or the admin token): what a Prometheus server scrapes. */
    public Router metricsRoute(String method, String pattern, Handler handler) {
        routes.add(new Route(method, split(pattern), Realm.METRICS, Need.ADMIN, handler));
        return this;
    }

    /** Adds a route anyone may call (health checks). */
    public Router open(String method, String pattern, Handler handler) {
        routes.add(new Route(method, split(pattern), Realm.OPEN, Need.ADMIN, handler));
        return this;
    }

    /** The routes of {@code realm}, as {@code METHOD /pattern}, in the order they are matched. */
    List<String> describe(Realm realm) {
        return routes.stream().filter(r -> r.realm() == realm).map(r -> r.method() + " /"
                + String.join("/", r.segments())).toList();
    }

    Match match(String method, String rawPath) {
        String[] segments = split(rawPath);
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            List<String> params = bind(r.segments(), segments);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Match(r.realm(), r.need(), r.handler(), params);
            }
            allowed.add(r.method());
        }
        // answer the authentication question first, so nothing about routes leaks before it
        if (allowed.isEmpty()) {
            return new Match(Realm.ADMIN, Need.ANYONE, req -> {
                throw FerryException.notFound("no such API endpoint: " + method + " " + rawPath);
            }, List.of());
        }
        String use = String.join(" or ", allowed);
        return new Match(Realm.ADMIN, Need.ANYONE, req -> new Response(405, java.util.Map.of("error",
                method + " is not allowed on " + rawPath + "; use " + use)), List.of());
    }

    private static List<String> bind(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        List<String> params = new ArrayList<>();
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i].startsWith("{")) {
                params.add(decode(path[i]));
            } else if (!pattern[i].equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    static String decode(String segment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && isHex(segment, i + 1) && isHex(segment, i + 2)) {
                out.write(Integer.parseInt(segment.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(String s, int i) {
        return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
    }
}

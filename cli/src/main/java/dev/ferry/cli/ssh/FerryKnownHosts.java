package dev.ferry.cli.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.Env;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.keys.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ferry's own known_hosts file ({@code ~/.ferry/known_hosts}, or under {@code $FERRY_HOME}): the Host's
 * {@code @cert-authority} lines, which the blocks of {@code ferry ssh-config} name beside the user's own
 * known_hosts. The user's files are never edited for it; this one is rewritten whole when the lines change.
 */
public final class FerryKnownHosts {
    private FerryKnownHosts() {
    }

    public static Path file(Env env) {
        return env.ferryHome().resolve("known_hosts").toAbsolutePath();
    }

    /** The user's own known_hosts, which ssh reads (and adds to) first: {@code ~/.ssh/known_hosts}. */
    public static Path userFile(Env env) {
        return env.home().resolve(".ssh").resolve("known_hosts").toAbsolutePath();
    }

    /** The Host's answer to {@code GET /api/v1/ca/known-hosts}: the lines, and the whole answer for --json. */
    public record Lines(List<String> lines, JsonNode answer) {
    }

    /** Asks the Host for its {@code @cert-authority} lines. */
    public static Lines fetch(ApiClient api) {
        JsonNode node = api.get("/api/v1/ca/known-hosts");
        List<String> lines = new ArrayList<>();
        node.path("lines").forEach(l -> lines.add(l.asText()));
        return new Lines(List.copyOf(lines), node);
    }

    /**
     * The user's known_hosts and Ferry's, brought up to date from the Host (as {@code ferry known-hosts --write}
     * does), for both hops: the Host's CA lines vouch for the bastion and the VPS, so ssh asks about no host key
     * and a strict one connects. When Ferry's file cannot be had, says so on {@code err} and returns none: ssh
     * then reads the user's own files only, as before.
     */
    public static List<Path> forBothHops(Env env, ApiClient api, java.io.PrintWriter err) {
        try {
            write(env, fetch(api).lines());
            return List.of(userFile(env), file(env));
        } catch (FerryException e) {
            err.println("ferry: " + e.getMessage() + "; ssh checks host keys with your own known_hosts only");
            return List.of();
        }
    }

    /**
     * Writes the lines to {@link #file} unless it holds them already.
     *
     * @return whether the file changed
     */
    public static boolean write(Env env, List<String> lines) {
        Path file = file(env);
        byte[] content = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), content)) {
                return false;
            }
            // public keys only, like ~/.ssh/known_hosts
            KeyFiles.writeAtomically(file, content, PosixFilePermissions.fromString("rw-r--r--"));
            return true;
        } catch (IOException e) {
            throw new FerryException(FerryException.Kind.INTERNAL, "cannot write " + file + ": " + e.getMessage());
        }
    }
}

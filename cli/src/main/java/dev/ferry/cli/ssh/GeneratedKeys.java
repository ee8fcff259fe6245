package dev.ferry.cli.ssh;

import dev.ferry.cli.Env;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place private keys made by {@code vps create --gen-ssh-key} live: {@code $FERRY_HOME/keys/vps-<id>}
 * (default {@code ~/.ferry/keys}), or, for a key written elsewhere with {@code --key-out}, a note there saying where
 * ({@code vps-<id>.location}). {@code vps connect} and {@code ssh-config} find them through it.
 */
public final class GeneratedKeys {
    private GeneratedKeys() {
    }

    public static Path dir(Env env) {
        return env.ferryHome().resolve("keys");
    }

    public static Path of(Env env, String vpsId) {
        return dir(env).resolve(fileName(vpsId));
    }

    /** The private key's file name; its public half is beside it with {@code .pub}. */
    public static String fileName(String vpsId) {
        return "vps-" + vpsId;
    }

    /** The generated key of this VPS, if this machine holds it: in the keys directory, or where its note says. */
    public static Optional<Path> find(Env env, String vpsId) {
        Path p = of(env, vpsId).toAbsolutePath();
        if (Files.isRegularFile(p)) {
            return Optional.of(p);
        }
        return elsewhere(dir(env), vpsId).filter(Files::isRegularFile);
    }

    /** Where the note in {@code keysDir} says VPS {@code vpsId}'s generated key was written, if there is one. */
    public static Optional<Path> elsewhere(Path keysDir, String vpsId) {
        Path note = location(keysDir, vpsId);
        try {
            return Files.isRegularFile(note) ? Optional.of(Path.of(Files.readString(note).strip())) : Optional.empty();
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** Notes in {@code keysDir} that VPS {@code vpsId}'s generated key is at {@code key} (written with --key-out). */
    public static void remember(Path keysDir, String vpsId, Path key) throws IOException {
        Files.createDirectories(keysDir);
        Files.writeString(location(keysDir, vpsId), key.toAbsolutePath().normalize() + "\n");
    }

    /**
     * Deletes VPS {@code vpsId}'s generated key (private and public halves) where this machine holds it, in the
     * keys directory and where its note says, and the note; what could not be deleted is said to {@code err}.
     *
     * @return the private keys deleted
     */
    public static List<Path> forget(Env env, String vpsId, PrintWriter err) {
        Path dir = dir(env);
        List<Path> keys = new ArrayList<>(List.of(of(env, vpsId)));
        elsewhere(dir, vpsId).ifPresent(keys::add);
        List<Path> deleted = new ArrayList<>();
        for (Path key : keys) {
            try {
                if (Files.deleteIfExists(key)) {
                    deleted.add(key);
                }
                Files.deleteIfExists(Path.of(key + ".pub"));
            } catch (IOException e) {
                err.println("ferry: could not delete " + key + ": " + e.getMessage());
            }
        }
        try {
            Files.deleteIfExists(location(dir, vpsId));
        } catch (IOException e) {
            err.println("ferry: could not delete " + location(dir, vpsId) + ": " + e.getMessage());
        }
        return deleted;
    }

    /** The note of a key written elsewhere. */
    public static Path location(Path keysDir, String vpsId) {
        return keysDir.resolve(fileName(vpsId) + ".location");
    }
}

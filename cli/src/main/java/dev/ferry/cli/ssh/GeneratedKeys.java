package dev.ferry.cli.ssh;

import dev.ferry.cli.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one place private keys made by {@code vps create --gen-ssh-key} live: {@code $FERRY_HOME/keys/vps-<id>}
 * (default {@code ~/.ferry/keys}). {@code vps connect} and {@code ssh-config} find them here.
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

    /** The generated key of this VPS, if this machine holds it. */
    public static Optional<Path> find(Env env, String vpsId) {
        Path p = of(env, vpsId).toAbsolutePath();
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
}

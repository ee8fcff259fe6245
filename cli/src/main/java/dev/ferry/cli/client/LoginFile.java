package dev.ferry.cli.client;

import dev.ferry.bastion.FerryException;
import dev.ferry.cli.Env;
import dev.ferry.cli.config.ConfigFile;
import dev.ferry.keys.KeyFiles;
import dev.ferry.keys.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where {@code ferry login} keeps a person's Host, its TLS key and their token: {@code ~/.ferry/login.toml}, a
 * {@code [client]} section, readable by its owner only. Every command then acts as that person, on that Host.
 */
public final class LoginFile {
    private LoginFile() {
    }

    public static Path of(Env env) {
        return env.ferryHome().resolve("login.toml");
    }

    /** The login, or an empty section when there is none. */
    public static ConfigFile.ClientSection read(Env env) {
        Path file = of(env);
        if (!Files.isRegularFile(file)) {
            return ConfigFile.ClientSection.EMPTY;
        }
        try {
            String why = SecretFiles.tooOpen(file, "the login file");
            if (why != null) {
                throw new IllegalArgumentException(why + " (ferry login writes it 0600)");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        return ConfigFile.read(file, true).client();
    }

    /** Keeps the login, 0600, replacing one there. */
    public static void write(Env env, String url, String pin, String token) {
        StringBuilder toml = new StringBuilder("# written by ferry login; ferry logout removes it\n[client]\n");
        toml.append("host = \"").append(url).append("\"\n");
        if (pin != null) {
            toml.append("host_fingerprint = \"").append(pin).append("\"\n");
        }
        toml.append("token = \"").append(token).append("\"\n");
        try {
            Files.createDirectories(of(env).getParent());
            KeyFiles.writeAtomically(of(env), toml.toString().getBytes(StandardCharsets.UTF_8),
                    PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new FerryException(FerryException.Kind.INTERNAL, "cannot write " + of(env) + ": " + e.getMessage());
        }
    }
}

package dev.ferry.cli.ssh;

import dev.ferry.bastion.FerryException;
import dev.ferry.cli.Env;
import dev.ferry.keys.KeyFiles;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Optional;

/**
 * The key {@code ferry login --sso --ssh} makes and the Host certifies for a few hours: {@code ~/.ferry/sso_ed25519}
 * (0600) beside its certificate {@code sso_ed25519-cert.pub}, which the OpenSSH client offers with the key by
 * itself. {@code ferry ssh-config} and the connect lines name it for a VPS that has no key of its own here.
 */
public final class SsoKey {
    private static final String NAME = "sso_ed25519";

    private SsoKey() {
    }

    public static Path key(Env env) {
        return env.ferryHome().resolve(NAME);
    }

    /** Where OpenSSH looks for the key's certificate: beside it, {@code -cert.pub}. */
    public static Path certificate(Path key) {
        return key.resolveSibling(key.getFileName() + "-cert.pub");
    }

    /** The key, when it and its certificate are there (the certificate may have expired: ssh then says so). */
    public static Optional<Path> find(Env env) {
        Path key = key(env);
        return Files.isRegularFile(key) && Files.isRegularFile(certificate(key)) ? Optional.of(key) : Optional.empty();
    }

    /** Keeps a new key and its certificate, replacing the ones there. */
    public static Path write(Env env, KeyPair pair, String certificate) {
        Path key = key(env);
        try {
            Files.createDirectories(key.getParent());
            PrivateKeyFiles.write(key, pair, "ferry-sso");
            PrivateKeyFiles.writePublic(key.resolveSibling(NAME + ".pub"), SshPublicKey.of(pair.getPublic(),
                    "ferry-sso"));
            KeyFiles.writeAtomically(certificate(key), (certificate + "\n").getBytes(StandardCharsets.UTF_8),
                    PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new FerryException(FerryException.Kind.INTERNAL, "cannot write " + key + ": " + e.getMessage());
        }
        return key;
    }
}

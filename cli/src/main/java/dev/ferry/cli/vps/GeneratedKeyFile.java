package dev.ferry.cli.vps;

import dev.ferry.bastion.FerryException;
import dev.ferry.cli.ssh.GeneratedKeys;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.util.UUID;

/**
 * The key pair of {@code --gen-ssh-key}: written (0600) before the VPS is created, so a VPS never holds
 * a key whose private half was lost, and named after the VPS once its id is known (in {@link GeneratedKeys}'
 * directory, where {@code vps connect} and {@code ssh-config} look, unless {@code --key-out} says otherwise).
 */
final class GeneratedKeyFile {
    private final Path pending;
    private final Path explicit;
    private final Path keysDir;
    private final SshPublicKey publicKey;

    private GeneratedKeyFile(Path pending, Path explicit, Path keysDir, SshPublicKey publicKey) {
        this.pending = pending;
        this.explicit = explicit;
        this.keysDir = keysDir;
        this.publicKey = publicKey;
    }

    static GeneratedKeyFile prepare(Path keyOut, Path keysDir) {
        if (keyOut != null && Files.exists(keyOut)) {
            throw FerryException.conflict("--key-out " + keyOut + " already exists; Ferry does not overwrite keys");
        }
        KeyPair pair = KeyPairs.generate();
        SshPublicKey pub = SshPublicKey.of(pair.getPublic(), "ferry-vps");
        Path pending = keyOut != null ? keyOut : keysDir.resolve("vps-pending-" + UUID.randomUUID());
        try {
            PrivateKeyFiles.write(pending, pair, "ferry-vps");
            PrivateKeyFiles.writePublic(Path.of(pending + ".pub"), pub);
        } catch (UncheckedIOException e) {
            throw FerryException.invalid("cannot write the private key: " + e.getMessage());
        }
        return new GeneratedKeyFile(pending, keyOut, keysDir, pub);
    }

    String publicLine() {
        return publicKey.toOpenSsh();
    }

    /**
     * Names the files after the VPS and returns the private key's path; a key --key-out named stays there, and a
     * note in the keys directory says where, for {@code vps connect} and {@code vps remove}.
     */
    Path commit(String vpsId) {
        if (explicit != null) {
            try {
                GeneratedKeys.remember(keysDir, vpsId, explicit);
            } catch (IOException e) {
                // the key is where the user asked; only connect's search misses it, and --key finds it
            }
            return explicit;
        }
        Path target = pending.resolveSibling(GeneratedKeys.fileName(vpsId));
        try {
            move(pending, target);
            move(Path.of(pending + ".pub"), Path.of(target + ".pub"));
            return target;
        } catch (IOException e) {
            return pending; // the key is safe under its first name; say where it is
        }
    }

    void discard() {
        try {
            Files.deleteIfExists(pending);
            Files.deleteIfExists(Path.of(pending + ".pub"));
        } catch (IOException ignored) {
            // nothing was created with it; a stray file is harmless
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }
}

package dev.ferry.cli;

import dev.ferry.bastion.FerryException;
import dev.ferry.keys.AuthorizedKeys;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --ssh-key FILE} and {@code --ssh-key-string S}, each repeatable. Keys are checked here, so a
 * bad file is named before anything is sent.
 */
public final class KeyOptions {
    @Option(names = "--ssh-key", paramLabel = "FILE",
            description = "Public key file (e.g. ~/.ssh/id_ed25519.pub; every key line in it). Repeatable.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--ssh-key-string", paramLabel = "KEY",
            description = "Public key text, e.g. \"ssh-ed25519 AAAA... me@laptop\". Repeatable.")
    List<String> strings = new ArrayList<>();

    /**
     * The private key of the first {@code --ssh-key FILE.pub} when it lies beside it (as ssh-keygen leaves
     * them), for the ssh lines the CLI prints; else null (the user's own identities then apply).
     */
    public Path privateKeyFile() {
        for (Path file : files) {
            String name = file.toString();
            if (name.endsWith(".pub")) {
                Path key = Path.of(name.substring(0, name.length() - 4)).toAbsolutePath();
                if (Files.isRegularFile(key)) {
                    return key;
                }
            }
        }
        return null;
    }

    /** The keys as OpenSSH lines, at least one. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Path file : files) {
            try {
                List<SshPublicKey> keys = AuthorizedKeys.read(file);
                if (keys.isEmpty()) {
                    throw FerryException.invalid(file + ": holds no public key");
                }
                keys.forEach(k -> lines.add(k.toOpenSsh()));
            } catch (KeyFormatException | java.io.UncheckedIOException e) {
                // AuthorizedKeys names the file in its messages
                throw FerryException.invalid(e.getMessage());
            }
        }
        for (String s : strings) {
            try {
                lines.add(SshPublicKey.parse(s).toOpenSsh());
            } catch (KeyFormatException e) {
                throw FerryException.invalid("--ssh-key-string: " + e.getMessage());
            }
        }
        if (lines.isEmpty()) {
            throw FerryException.invalid("give at least one key with --ssh-key FILE or --ssh-key-string KEY");
        }
        return lines;
    }
}

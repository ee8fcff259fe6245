package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real OpenSSH ssh-keygen for tests, failing the test with what it printed when it does not succeed. */
public final class SshKeygen {
    private static final int TIMEOUT_SECONDS = 60;

    private SshKeygen() {
    }

    /** A new unencrypted ed25519 key pair {@code dir/name} and {@code dir/name.pub}, commented with its name. */
    public static Path ed25519(Path dir, String name) {
        return generate(dir, name, name, "-t", "ed25519");
    }

    /** Generates an unencrypted key; {@code typeArgs} e.g. {@code "-t", "ecdsa", "-b", "384"}. */
    public static Path generate(Path dir, String name, String comment, String... typeArgs) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path key = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("-q", "-N", "", "-C", comment, "-f", key.toString()));
        args.addAll(List.of(typeArgs));
        run(args.toArray(String[]::new));
        return key;
    }

    /**
     * Signs {@code key}'s public key with the CA key {@code ca} as an OpenSSH user certificate for {@code principal},
     * valid from a minute ago for five minutes, at {@code <key>-cert.pub}, where {@code ssh -i key} finds it.
     */
    public static void certify(Path ca, Path key, String principal) {
        run("-q", "-s", ca.toString(), "-I", "test-cert " + principal, "-n", principal, "-V", "-1m:+5m", key + ".pub");
    }

    /** @return the fingerprint field of {@code ssh-keygen -lf file} */
    public static String fingerprint(Path file) {
        return field(run("-l", "-E", "sha256", "-f", file.toString()), 1);
    }

    /** @return the bits field of {@code ssh-keygen -lf file} */
    public static int bits(Path file) {
        return Integer.parseInt(field(run("-l", "-f", file.toString()), 0));
    }

    /** @return the public key line {@code ssh-keygen -y -f privateKey} derives from a private key file */
    public static String publicKeyOf(Path privateKey) {
        return run("-y", "-f", privateKey.toString()).strip();
    }

    /** Runs ssh-keygen with these arguments and no input; @return what it printed on stdout */
    public static String run(String... args) {
        List<String> command = new ArrayList<>(List.of("ssh-keygen"));
        command.addAll(List.of(args));
        return Processes.run(command, new byte[0], TIMEOUT_SECONDS).requireSuccess().out();
    }

    private static String field(String output, int index) {
        return output.strip().split("\\s+")[index];
    }
}

package dev.ferry.keys;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real OpenSSH ssh-keygen for tests, failing the test with its stderr when it does not succeed. */
final class SshKeygen {

    private static final long TIMEOUT_SECONDS = 60;

    private SshKeygen() {
    }

    /** Generates an unencrypted key with ssh-keygen; {@code typeArgs} e.g. {@code "-t", "ecdsa", "-b", "384"}. */
    static Path generate(Path dir, String name, String comment, String... typeArgs) {
        Path key = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("-q", "-N", "", "-C", comment, "-f", key.toString()));
        args.addAll(List.of(typeArgs));
        run(args.toArray(String[]::new));
        return key;
    }

    /** @return the fingerprint field of {@code ssh-keygen -lf file} */
    static String fingerprint(Path file) {
        return field(run("-l", "-E", "sha256", "-f", file.toString()), 1);
    }

    /** @return the bits field of {@code ssh-keygen -lf file} */
    static int bits(Path file) {
        return Integer.parseInt(field(run("-l", "-f", file.toString()), 0));
    }

    /** @return the public key line {@code ssh-keygen -y -f privateKey} derives from a private key file */
    static String publicKeyOf(Path privateKey) {
        return run("-y", "-f", privateKey.toString()).strip();
    }

    static String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add("ssh-keygen");
        command.addAll(List.of(args));
        try {
            // Output goes to files so a hung ssh-keygen cannot block us on a full pipe; the timeout stays in charge.
            Path stdout = Files.createTempFile("ssh-keygen", ".out");
            Path stderr = Files.createTempFile("ssh-keygen", ".err");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail(command + " did not finish within " + TIMEOUT_SECONDS + "s");
                }
                if (process.exitValue() != 0) {
                    fail(command + " exited with " + process.exitValue() + ": " + Files.readString(stderr));
                }
                return Files.readString(stdout, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    private static String field(String output, int index) {
        return output.strip().split("\\s+")[index];
    }
}

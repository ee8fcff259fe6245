package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.api.Json;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.ssh.SshdFixture;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerState;
import dev.ferry.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * This machine's own Host as a user's CLI finds it (config.toml and the data directory under a temporary home,
 * nothing in the environment), a {@link FakeRunner}, a real sshd as the VPS, and the user's ssh: a wrapper that
 * reads an ssh_config saying {@code IdentitiesOnly yes} and offering no key of its own, so only keys the CLI
 * puts in place can log in, on every hop.
 */
final class ClientSshTestSupport implements AutoCloseable {
    /** What a program run through a shell left. */
    record Run(int exit, String out) {
    }

    final Path home;
    final Host host;
    final FakeRunner runner;
    final int sshPort;
    /** A directory holding {@code ssh}: the user's ssh, for PATH. */
    final Path bin;
    /** The user's ssh_config: global options only. */
    final Path userSshConfig;
    /** For {@code FERRY_SSH}: the user's ssh, its stdin from /dev/null and its output to {@link #connectLog}. */
    final Path connectSsh;
    final Path connectLog;
    private final List<SshdFixture> sshds = new java.util.ArrayList<>();

    ClientSshTestSupport(Path home) throws Exception {
        this.home = home;
        sshPort = freePort();
        int apiPort = freePort();
        Path data = Files.createDirectories(home.resolve(".ferry"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(data.resolve("config.toml"), "[host]\nbind = \"127.0.0.1\"\nssh_port = " + sshPort
                + "\napi_port = " + apiPort + "\n");
        host = Host.start(TestRegistries.of(HostConfig.defaults(data).withListeners("127.0.0.1", sshPort, "127.0.0.1",
                apiPort)));
        runner = new FakeRunner(host.apiUrl(), Files.readString(data.resolve("runner.token")).strip());
        userSshConfig = home.resolve("user_ssh_config");
        Files.writeString(userSshConfig, userOptions(home));
        bin = Files.createDirectories(home.resolve("bin"));
        script(bin.resolve("ssh"), "exec /usr/bin/ssh -F " + userSshConfig + " \"$@\"\n");
        connectLog = home.resolve("connect.log");
        connectSsh = home.resolve("connect-ssh");
        // the jump hop (ssh -W, run by ProxyCommand) talks through its stdin and stdout; the session's ssh must not
        // touch the test JVM's: surefire reads its commands from stdin, and ssh makes its stdin non-blocking
        script(connectSsh, "for a in \"$@\"; do [ \"$a\" = -W ] && exec /usr/bin/ssh -F " + userSshConfig
                + " \"$@\"; done\n"
                + "exec /usr/bin/ssh -F " + userSshConfig + " \"$@\" </dev/null >>" + connectLog + " 2>&1\n");
    }

    /** The user's own ssh options, global (no Host line): IdentitiesOnly yes, no key of their own, no prompts. */
    static String userOptions(Path home) {
        return "IdentitiesOnly yes\nIdentityFile " + home.resolve("no-such-key") + "\nIdentityAgent none\n"
                + "BatchMode yes\nStrictHostKeyChecking no\nUserKnownHostsFile /dev/null\nLogLevel ERROR\n"
                + "ConnectTimeout 20\n";
    }

    CliTestSupport.Result ferry(String... args) {
        return CliTestSupport.run(Map.of("FERRY_SSH", connectSsh.toString()), home, args);
    }

    /**
     * Creates a VPS with a generated key and makes it running, served by a real sshd holding that key and trusting
     * the Host's user CA, its host key reported.
     */
    String createRunning(String name) throws Exception {
        return createRunning(name, null);
    }

    /** The same with its generated key written to {@code keyOut} ({@code --key-out}), unless that is null. */
    String createRunning(String name, Path keyOut) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("vps", "create", "--image", "ferry-test/sshd:1",
                "--name", name, "--gen-ssh-key"));
        if (keyOut != null) {
            args.addAll(List.of("--key-out", keyOut.toString()));
        }
        CliTestSupport.Result r = ferry(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        String id = r.out().strip();
        Path pub = keyOut != null ? Path.of(keyOut + ".pub") : home.resolve(".ferry/keys/vps-" + id + ".pub");
        // it trusts the Host's user CA, as the runner sets up every VPS, so plain mode logs in too
        Path userCa = Files.writeString(home.resolve("user_ca_" + name + ".pub"), ferry("ca", "user-key").out());
        SshdFixture sshd = SshdFixture.start(home.resolve("sshd-" + name),
                List.of(SshPublicKey.parse(Files.readString(pub))),
                SshdFixture.certificateLogins(home.resolve("sshd-" + name), userCa), freePort());
        sshd.acceptCertificatesFor(Long.parseLong(id));
        sshds.add(sshd);
        runner.hostKey(id, sshd.hostKey().toOpenSsh());
        runner.report(id, ContainerState.RUNNING, sshd.port(), null);
        awaitStatus(id, "running");
        lastCreate = r;
        return id;
    }

    CliTestSupport.Result lastCreate;

    void awaitStatus(String id, String status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String now = null;
        while (System.nanoTime() < deadline) {
            now = Json.MAPPER.readTree(ferry("vps", "status", id, "--json").out()).path("status").asText();
            if (status.equals(now)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("vps " + id + " is " + now + ", not " + status);
    }

    /** The sshd playing the VPS created last. */
    SshdFixture sshd() {
        return sshds.get(sshds.size() - 1);
    }

    /** {@code bash -c line} with the user's ssh first on PATH, fed {@code stdin}. */
    Run shell(String line, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread pump = pump(p, out);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(line + " did not finish within 60 s: " + out);
        }
        pump.join();
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    /** Copies what the process prints to {@code out} as it comes, on a thread of its own, started. */
    static Thread pump(Process p, ByteArrayOutputStream out) {
        Thread pump = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        pump.start();
        return pump;
    }

    /** The id of VPS {@code name} once the Host lists it (a create under way in another thread). */
    String awaitId(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            CliTestSupport.Result r = ferry("vps", "status", name, "--json");
            if (r.code() == 0) {
                return Json.MAPPER.readTree(r.out()).path("id").asText();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no VPS " + name);
    }

    String connectLog() throws IOException {
        return Files.exists(connectLog) ? Files.readString(connectLog) : "";
    }

    /** A free port in the range the fake runner enrolled with (this machine's ephemeral range). */
    static int freePort() throws IOException {
        while (true) {
            int port = FreePorts.any();
            if (port >= 32768 && port <= 60999) {
                return port;
            }
        }
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    @Override
    public void close() throws Exception {
        runner.close();
        sshds.forEach(SshdFixture::close);
        host.close();
    }
}

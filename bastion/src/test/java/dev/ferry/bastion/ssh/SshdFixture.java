package dev.ferry.bastion.ssh;

import dev.ferry.keys.SshPublicKey;
import dev.ferry.keys.VpsPrincipals;
import dev.ferry.testing.FreePorts;
import dev.ferry.testing.SshKeygen;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A real OpenSSH sshd on a free loopback port, playing a VPS: its own host key, config and
 * authorized_keys. Started and stopped by the test class.
 */
public final class SshdFixture implements AutoCloseable {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");
    private static final String PRINCIPALS = "ferry_principals";

    private final Path dir;
    private final int port;
    private final Process process;
    private final SshPublicKey hostKey;

    private SshdFixture(Path dir, int port, Process process, SshPublicKey hostKey) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.hostKey = hostKey;
    }

    /** Starts sshd accepting these keys for the current user. */
    public static SshdFixture start(Path dir, List<SshPublicKey> authorized) throws Exception {
        return start(dir, authorized, List.of(), 0);
    }

    /**
     * Starts sshd accepting these keys, with extra sshd_config lines (e.g. {@code TrustedUserCAKeys}), on
     * {@code port} (0: a free one). A host key already in {@code dir} is kept, as a restarted VPS keeps it.
     */
    public static SshdFixture start(Path dir, List<SshPublicKey> authorized, List<String> extraConfig, int port)
            throws Exception {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: install openssh-server (./ferry test does)");
        }
        Files.createDirectories(dir);
        Path hostKeyFile = dir.resolve("ssh_host_ed25519_key");
        if (!Files.exists(hostKeyFile)) {
            SshKeygen.generate(dir, hostKeyFile.getFileName().toString(), "", "-t", "ed25519");
        }
        Path authorizedKeys = dir.resolve("authorized_keys");
        Files.writeString(authorizedKeys, authorized.stream().map(SshPublicKey::toOpenSsh)
                .collect(Collectors.joining("\n", "", "\n")));
        port = port == 0 ? freePort() : port;
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n", extraConfig) + "\n" + String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKeyFile,
                "AuthorizedKeysFile " + authorizedKeys,
                "PidFile none",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "AllowTcpForwarding yes",
                "Subsystem sftp internal-sftp",
                "LogLevel VERBOSE",
                ""));
        // sshd's privilege separation needs this directory; systemd makes it on real machines
        Files.createDirectories(Path.of("/run/sshd"));
        Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        SshPublicKey hostKey = SshPublicKey.parse(Files.readString(dir.resolve("ssh_host_ed25519_key.pub")));
        SshdFixture fixture = new SshdFixture(dir, port, p, hostKey);
        fixture.awaitBanner();
        return fixture;
    }

    static int freePort() throws IOException {
        return FreePorts.any();
    }

    private void awaitBanner() throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited: " + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                InputStream in = s.getInputStream();
                byte[] banner = in.readNBytes(4);
                if (new String(banner, StandardCharsets.US_ASCII).equals("SSH-")) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("sshd did not answer on port " + port + ": " + log());
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "127.0.0.1:" + port;
    }

    /**
     * Names this VPS in the principals file, as the runner's start-up step does, so that plain mode's certificates
     * for it log in (with the config lines of {@link #certificateLogins}).
     */
    public void acceptCertificatesFor(long vpsId) throws IOException {
        Path file = Files.writeString(dir.resolve(PRINCIPALS), VpsPrincipals.of(vpsId) + "\n");
        // sshd reads it as the login user: a user other than root must reach it through the test's private
        // temporary directories, as it reaches /etc/ssh/ferry_principals in a container
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
        for (Path d = dir.toRealPath(); d != null && d.startsWith(tmp) && !d.equals(tmp); d = d.getParent()) {
            Set<PosixFilePermission> perms = new HashSet<>(Files.getPosixFilePermissions(d));
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(d, perms);
        }
    }

    /**
     * The sshd_config lines of an sshd in {@code dir} that takes certificates of the CA in {@code caFile} for the
     * VPS its principals file names, as the start-up step writes them.
     */
    public static List<String> certificateLogins(Path dir, Path caFile) {
        return List.of("TrustedUserCAKeys " + caFile, "AuthorizedPrincipalsFile " + dir.resolve(PRINCIPALS));
    }

    /** Connections this sshd serves now: its listener forks one child per connection. */
    public long connections() {
        return process.toHandle().children().count();
    }

    /** Connections this sshd has accepted since it started, as its log tells them ("Connection from"). */
    public long accepted() {
        return log().lines().filter(l -> l.contains("Connection from")).count();
    }

    /** The processes serving its connections (the listener's children and theirs). */
    public java.util.stream.Stream<ProcessHandle> connectionProcesses() {
        return process.toHandle().descendants();
    }

    /** Ends every connection this sshd serves, as a VPS that hangs up would. */
    public void dropConnections() {
        process.toHandle().children().forEach(ProcessHandle::destroy);
    }

    public SshPublicKey hostKey() {
        return hostKey;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return "(no sshd log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.ferry.bastion.ssh;

import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The stock OpenSSH client with its own key and ssh_config in a temporary directory, so every tool
 * (ssh, scp, sftp, rsync) and every ProxyJump hop it spawns uses the same settings.
 */
public final class SshClientFixture {
    private final Path dir;
    private final Path config;

    private SshClientFixture(Path dir, Path config) {
        this.dir = dir;
        this.config = config;
    }

    /** A client in {@code dir} offering these identity files, in this order. */
    public static SshClientFixture create(Path dir, List<Path> ids, String extraConfig) throws IOException {
        Files.createDirectories(dir);
        StringBuilder c = new StringBuilder();
        c.append(extraConfig == null ? "" : extraConfig).append('\n');
        c.append("Host *\n");
        for (Path id : ids) {
            c.append("    IdentityFile ").append(id).append('\n');
        }
        c.append("""
                    IdentitiesOnly yes
                    IdentityAgent none
                    BatchMode yes
                    StrictHostKeyChecking no
                    UserKnownHostsFile /dev/null
                    LogLevel INFO
                    ConnectTimeout 20
                    ServerAliveInterval 0
                """);
        Path config = dir.resolve("ssh_config");
        Files.writeString(config, c.toString());
        return new SshClientFixture(dir, config);
    }

    public static SshPublicKey publicKey(Path key) throws IOException {
        return SshPublicKey.parse(Files.readString(Path.of(key + ".pub")));
    }

    public Path config() {
        return config;
    }

    public Path dir() {
        return dir;
    }

    /** {@code ssh -F config args...}. */
    public Processes.Result ssh(String... args) {
        return tool("ssh", null, args);
    }

    /** A tool of the OpenSSH family (ssh, scp, sftp) with {@code -F config}, fed {@code stdin}. */
    public Processes.Result tool(String tool, byte[] stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool, "-F", config.toString()));
        cmd.addAll(List.of(args));
        return Processes.run(cmd, stdin, 120);
    }

    /** The current user: the login user on the test sshd. */
    public static String user() {
        return System.getProperty("user.name");
    }
}

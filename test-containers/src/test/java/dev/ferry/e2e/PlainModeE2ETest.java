package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain mode to VPS containers on a real Docker engine: the runner installs the Host's user CA in the
 * container and reports its host key, and {@code ssh vps-<name>@bastion} is a session in it, with the
 * flows of VS Code Remote-SSH, through plain mode and through ProxyJump.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainModeE2ETest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String SSHD_IMAGE = "ferry-test/sshd:1";
    /** What VS Code's install script prints once its server listens. */
    private static final Pattern LISTENING = Pattern.compile("listeningOn==127\\.0\\.0\\.1:(\\d+)==");

    private E2eFleet fleet;
    private Vps vps;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        fleet = opened.add(E2eFleet.start(dir));
        vps = fleet.create("e2e-plain", SSHD_IMAGE);
    }

    @Test
    void logsInWithTheHostsCertificateAfterCheckingTheReportedHostKey() throws Exception {
        Processes.Result r = fleet.plain("vps-e2e-plain", "echo in $(hostname) as $(id -un)").requireSuccess();
        String hostname = Processes.run(List.of("docker", "exec", container(), "hostname"), null, 30)
                .requireSuccess().out().strip();
        assertEquals("in " + hostname + " as root", r.out().strip(), r.toString());
        String reported = fleet.host.registry().get(dev.ferry.bastion.vps.VpsRef.parse("e2e-plain")).hostKey();
        assertNotNull(reported, "the runner reports the container's host key");
        String inContainer = Processes.run(List.of("docker", "exec", container(), "cat",
                "/etc/ssh/ssh_host_ed25519_key.pub"), null, 30).requireSuccess().out();
        assertTrue(SshPublicKey.parse(reported).sameKey(SshPublicKey.parse(inContainer)));
        Processes.Result status = fleet.ferry("vps", "status", "e2e-plain");
        assertTrue(status.out().contains(SshPublicKey.parse(reported).fingerprint()), status.toString());
    }

    @Test
    void aUserMadeWithUseraddLogsInAsOnAnyDebianServer() throws Exception {
        // useradd leaves the password locked ('!'): sshd without PAM refuses such a user even a certificate
        Processes.run(List.of("docker", "exec", container(), "useradd", "-m", "dev"), null, 30).requireSuccess();
        Processes.Result r = fleet.plain("vps-e2e-plain+dev", "echo in $(id -un) at $HOME");
        assertEquals("in dev at /home/dev", r.out().strip(), r.toString());
    }

    @Test
    void copiesWithSftpAndScpThroughPlainMode() throws Exception {
        Path file = fleet.dir.resolve("plain-copy.txt");
        java.nio.file.Files.writeString(file, "carried by plain mode\n");
        fleet.ssh.tool("scp", null, "-P", Integer.toString(fleet.port), file.toString(),
                "vps-e2e-plain@127.0.0.1:/root/copy.txt").requireSuccess();
        Path batch = java.nio.file.Files.writeString(fleet.dir.resolve("sftp-batch"),
                "get /root/copy.txt " + fleet.dir.resolve("back.txt") + "\n");
        fleet.ssh.tool("sftp", null, "-b", batch.toString(), "-P", Integer.toString(fleet.port),
                "vps-e2e-plain@127.0.0.1").requireSuccess();
        assertEquals("carried by plain mode\n", java.nio.file.Files.readString(fleet.dir.resolve("back.txt")));
    }

    @Test
    void vsCodeRemoteSshFlowThroughPlainMode() throws Exception {
        vsCodeFlow(fleet.ssh, List.of("-p", Integer.toString(fleet.port), "vps-e2e-plain@127.0.0.1"));
    }

    @Test
    void vsCodeRemoteSshFlowThroughProxyJump() throws Exception {
        // as the README's block for VS Code has it: the jump in the config file, which the -J child reads too
        SshClientFixture jumpClient = SshClientFixture.create(fleet.dir.resolve("vscode-jump"), List.of(fleet.key),
                "Host vps-e2e-plain\n    User root\n    ProxyJump vps-e2e-plain@" + fleet.bastion + "\n");
        vsCodeFlow(jumpClient, List.of("vps-e2e-plain"));
    }

    /**
     * What VS Code Remote-SSH does: {@code ssh -T -D PORT host bash}, its install script on stdin, which starts
     * a server on the remote loopback and prints {@code listeningOn==127.0.0.1:PORT==}; then many connections
     * to that port through the SOCKS forward, each a direct-tcpip channel on the one SSH connection.
     */
    private void vsCodeFlow(SshClientFixture client, List<String> destination) throws Exception {
        int socks;
        try (ServerSocket s = new ServerSocket(0)) {
            socks = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("ssh", "-F", client.config().toString(), "-T", "-D",
                "127.0.0.1:" + socks, "-o", "ExitOnForwardFailure=yes"));
        cmd.addAll(destination);
        cmd.add("bash");
        Process ssh = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream stdin = ssh.getOutputStream(); InputStream stdout = ssh.getInputStream()) {
            String script = """
                    set -e
                    mkdir -p /tmp/vscode-server && echo "vscode server answers" > /tmp/vscode-server/index.html
                    port=$((20000 + RANDOM % 20000))
                    busybox httpd -p 127.0.0.1:$port -h /tmp/vscode-server
                    echo "listeningOn==127.0.0.1:$port=="
                    """;
            stdin.write(script.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            int port = Integer.parseInt(awaitListening(stdout).group(1));
            List<CompletableFuture<String>> requests = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                requests.add(CompletableFuture.supplyAsync(() -> Processes.run(List.of("curl", "-s", "--max-time",
                        "20", "--socks5-hostname", "127.0.0.1:" + socks, "http://127.0.0.1:" + port + "/"), null, 60)
                        .out().strip()));
                if (i % 10 == 9) {
                    CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).join();
                }
            }
            for (CompletableFuture<String> r : requests) {
                assertEquals("vscode server answers", r.join());
            }
        } finally {
            ssh.destroy();
            ssh.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Matcher awaitListening(InputStream stdout) throws Exception {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            int b = stdout.read();
            if (b < 0) {
                break;
            }
            seen.write(b);
            Matcher m = LISTENING.matcher(seen.toString(StandardCharsets.UTF_8));
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("the script never printed listeningOn: " + seen.toString(StandardCharsets.UTF_8));
    }

    private String container() {
        return Processes.run(List.of("docker", "ps", "-q", "--filter", "label=ferry.vps.id=" + vps.id()), null, 30)
                .requireSuccess().out().strip();
    }
}

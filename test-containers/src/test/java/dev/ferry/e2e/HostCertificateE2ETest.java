package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host certificates end to end: a stock OpenSSH client with {@code StrictHostKeyChecking yes} and a known_hosts
 * file holding only what {@code ferry known-hosts} prints reaches a VPS on a real Docker engine through the
 * bastion, and again after its container was made anew with new host keys and after a rename; a container key
 * the Host did not certify is refused; the blocks of {@code ferry ssh-config} do the same with nothing in the
 * user's known_hosts, and so does {@code ferry vps connect} with nothing run before it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostCertificateE2ETest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String SSHD_IMAGE = "ferry-test/sshd:1";

    private Path dir;
    private E2eFleet fleet;
    private SshClientFixture strict;
    private Path knownHosts;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        fleet = opened.add(E2eFleet.start(dir));
        Processes.Result lines = fleet.ferry("known-hosts");
        assertEquals(0, lines.exit(), lines.toString());
        knownHosts = Files.writeString(dir.resolve("known_hosts"), lines.out());
        strict = SshClientFixture.create(dir.resolve("strict"), List.of(fleet.key), "StrictHostKeyChecking yes\n"
                + "UserKnownHostsFile " + knownHosts + "\nGlobalKnownHostsFile /dev/null\nUpdateHostKeys no\n");
    }

    private Processes.Result jump(String ref, String command) {
        return strict.ssh("-J", "vps-" + ref + "@" + fleet.bastion, "root@vps-" + ref, command);
    }

    /** The certificate follows the runner's first report of the container's key by a heartbeat or two. */
    private void awaitCertified(String ref) throws Exception {
        Await.until("a strict ssh -J to vps-" + ref, Duration.ofSeconds(60), () -> jump(ref, "true").exit() == 0);
    }

    private static String containerId(Vps v) {
        return Processes.run(List.of("docker", "inspect", "-f", "{{.Id}}", "ferry-vps-" + v.id()), null, 30)
                .requireSuccess().out().strip();
    }

    @Test
    void aStrictClientReachesAVpsByNameAndIdAndAgainAfterItsContainerIsMadeAnew() throws Exception {
        String before = Files.readString(knownHosts);
        Vps v = fleet.create("e2e-cert", SSHD_IMAGE);
        assertTrue(v.hostCertified(), "create --wait returns once the container serves its certificate");
        assertEquals("by-name", jump("e2e-cert", "echo by-name").requireSuccess().out().strip());
        assertEquals("by-id", jump(Long.toString(v.id()), "echo by-id").requireSuccess().out().strip());
        assertEquals("plain", strict.ssh("-p", Integer.toString(fleet.port), "vps-e2e-cert@127.0.0.1", "echo plain")
                .requireSuccess().out().strip(), "plain mode: the bastion's own certificate");
        String hostKey = fleet.host.registry().get(VpsRef.ofId(v.id())).hostKey();

        String old = containerId(v);
        Processes.run(List.of("docker", "rm", "-f", old), null, 60).requireSuccess();
        Vps again = fleet.await("e2e-cert", x -> x.status() == VpsStatus.RUNNING && x.hostKey() != null
                && !x.hostKey().equals(hostKey), 120, "running in a new container with new host keys");
        assertNotEquals(old, containerId(again));
        awaitCertified("e2e-cert");
        assertEquals("again", jump("e2e-cert", "echo again").requireSuccess().out().strip());

        // renamed: the certificate names it vps-e2e-cert, so its runner installs one for the new name
        assertEquals(0, fleet.ferry("vps", "rename", "e2e-cert", "e2e-renamed").exit());
        awaitCertified("e2e-renamed");
        assertEquals("renamed e2e-renamed", jump("e2e-renamed", "echo renamed $(hostname)").requireSuccess().out().strip(),
                "its host name inside is the new one too");
        assertEquals(0, fleet.ferry("vps", "restart", "e2e-renamed", "--wait").exit());
        awaitCertified("e2e-renamed");
        assertEquals("e2e-renamed", jump("e2e-renamed", "hostname").requireSuccess().out().strip(),
                "and after a restart, which gives the container the name of its create again");
        assertTrue(fleet.host.registry().get(VpsRef.ofId(v.id())).hostCertified());
        assertEquals(before, Files.readString(knownHosts), "known_hosts was never edited");
    }

    @Test
    void aRunnerThatRestartsNeverTakesTheCertificateAway() throws Exception {
        Vps v = fleet.create("e2e-restarts", SSHD_IMAGE);
        assertEquals("before", jump("e2e-restarts", "echo before").requireSuccess().out().strip());
        String container = "ferry-vps-" + v.id();
        long steps = stepsDone(container);
        // the runner process goes and comes back (an upgrade, a crash, ferry up again): it adopts the running
        // container and runs the start-up step in it again, knowing nothing of the runs before
        fleet.stopRunner();
        fleet.startRunner();
        Await.until("the start-up step run again by the new runner", Duration.ofSeconds(60),
                () -> stepsDone(container) > steps);
        assertTrue(Processes.run(List.of("docker", "exec", container, "test", "-s", "/etc/ssh/ferry_host_key-cert.pub"),
                null, 30).exit() == 0, "the certificate is still there");
        assertEquals("after", jump("e2e-restarts", "echo after").requireSuccess().out().strip(),
                "a strict client right after the step");
        fleet.await("e2e-restarts", Vps::hostCertified, 30, "host_certified again");
    }

    private static long stepsDone(String container) {
        return Processes.run(List.of("docker", "exec", container, "cat", "/var/log/ferry-onstart.log"), null, 30)
                .requireSuccess().out().lines().filter(l -> l.endsWith("start-up step done")).count();
    }

    @Test
    void aContainerKeyTheHostDidNotCertifyIsRefused() throws Exception {
        Vps v = fleet.create("e2e-forged", SSHD_IMAGE);
        assertEquals(0, jump("e2e-forged", "true").exit(), "certified once create --wait returned");
        // the tenant (root in the container) replaces the host keys behind Ferry's back: the certificate no longer
        // matches, so sshd serves the bare new key, which no known_hosts line vouches for
        Processes.run(List.of("docker", "exec", "ferry-vps-" + v.id(), "sh", "-c",
                "rm -f /etc/ssh/ssh_host_*; ssh-keygen -A >/dev/null; kill -HUP $(cat /run/ferry-sshd.pid)"), null, 60)
                .requireSuccess();
        // sshd restarting is a moment without an SSH banner, which the runner reports: wait until it serves again
        fleet.await("e2e-forged", x -> x.status() == VpsStatus.RUNNING, 60, "running again");
        Await.until("the strict client refusing the uncertified key", Duration.ofSeconds(30),
                () -> jump("e2e-forged", "true").err().contains("Host key verification failed."));
        Processes.Result r = jump("e2e-forged", "echo in");
        assertNotEquals(0, r.exit(), r.toString());
        assertTrue(r.err().contains("No ED25519 host key is known for vps-e2e-forged"), r.err());
        assertTrue(r.err().contains("Host key verification failed."), r.err());
    }

    /**
     * A user's {@code ~/.ssh} under {@code home}: an empty known_hosts, and a config with their own options
     * (strict, their key only, no global known_hosts).
     *
     * @return the config file
     */
    private Path strictUser(Path home) throws Exception {
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(ssh.resolve("known_hosts"), "");
        return Files.writeString(ssh.resolve("config"), "StrictHostKeyChecking yes\nIdentitiesOnly yes\n"
                + "IdentityFile " + fleet.key + "\nIdentityAgent none\nBatchMode yes\nGlobalKnownHostsFile /dev/null\n"
                + "UpdateHostKeys no\nConnectTimeout 20\nLogLevel ERROR\n");
    }

    @Test
    void theWrittenSshConfigWorksForAStrictClientWithNothingInItsKnownHosts() throws Exception {
        Vps v = fleet.create("e2e-config", SSHD_IMAGE);
        Path home = Files.createDirectories(dir.resolve("config-home"));
        Path config = strictUser(home);
        Path ssh = config.getParent();
        Map<String, String> env = new HashMap<>(fleet.cliEnv());
        env.put("FERRY_BASTION", fleet.bastion);
        Processes.Result written = E2eFleet.ferry(env, home, "ssh-config", "--write");
        assertEquals(0, written.exit(), written.toString());
        for (String alias : List.of("e2e-config", "vps-e2e-config", "vps-" + v.id())) {
            Processes.Result r = Processes.run(List.of("ssh", "-F", config.toString(), alias, "echo in-" + alias),
                    null, 60);
            assertEquals("in-" + alias, r.requireSuccess().out().strip(), Files.readString(config));
        }
        assertEquals("", Files.readString(ssh.resolve("known_hosts")), "nothing asked, nothing learnt");
    }

    @Test
    void ferryVpsConnectReachesAVpsForAStrictClientWithNothingInItsKnownHosts() throws Exception {
        fleet.create("e2e-connect", SSHD_IMAGE);
        Path home = Files.createDirectories(dir.resolve("connect-home"));
        assertEquals("connected", connect(home, Map.of(), "e2e-connect", "--", "echo connected"));
        assertEquals("", Files.readString(home.resolve(".ssh/known_hosts")), "nothing asked, nothing learnt");
    }

    /**
     * An X client's first exchange, in the VPS: it connects to the display sshd set up with the cookie sshd gave
     * xauth, and prints the X server's answer (1: accepted) from the user's own display at the far end.
     */
    private static final String X_CLIENT = "python3 -c \"import os, socket, struct, subprocess\n"
            + "d = os.environ['DISPLAY']\n"
            + "cookie = bytes.fromhex(subprocess.check_output(['xauth', 'list', d]).split()[2].decode())\n"
            + "s = socket.create_connection(('localhost', 6000 + int(d.split(':')[1].split('.')[0])))\n"
            + "name = b'MIT-MAGIC-COOKIE-1'\n"
            + "s.sendall(struct.pack('<cxHHHHxx', b'l', 11, 0, len(name), len(cookie)) + name + b'  ' + cookie)\n"
            + "print('x11 answer', s.recv(1)[0])\"";

    @Test
    void ferryVpsConnectForwardsX11ToTheQuickStartImageBothWaysIn() throws Exception {
        fleet.create("e2e-x11", SSHD_IMAGE);
        Path home = Files.createDirectories(dir.resolve("x11-home"));
        Path socket = Path.of("/tmp/.X11-unix/X78");
        Process x = new ProcessBuilder("Xvfb", ":78", "-nolisten", "tcp").redirectErrorStream(true)
                .redirectOutput(dir.resolve("xvfb.log").toFile()).start();
        try {
            Await.until("Xvfb's socket", Duration.ofSeconds(20), () -> Files.exists(socket));
            Map<String, String> display = Map.of("DISPLAY", ":78");
            // (the first login also says xauth made its file, as on any Debian server)
            String jumped = connect(home, display, "e2e-x11", "--", "-X", X_CLIENT);
            assertTrue(jumped.endsWith("\nx11 answer 1") || jumped.equals("x11 answer 1"), jumped);
            assertEquals("x11 answer 1", connect(home, display, "e2e-x11", "--plain", "--", "-X", X_CLIENT));
        } finally {
            x.destroy();
            x.waitFor();
        }
    }

    /**
     * {@code ferry vps connect ARGS} for a strict user with nothing in their known_hosts (neither ferry known-hosts
     * nor ssh-config run), with {@code env} added.
     *
     * @return what the session printed
     */
    private String connect(Path home, Map<String, String> env, String... args) throws Exception {
        Path config = strictUser(home);
        // the user's ssh; the session's own stdin and output kept off the test JVM's (the hop's are its channel)
        Path log = home.resolve("connect.log");
        Files.deleteIfExists(log);
        Path userSsh = Files.writeString(home.resolve("ssh"), "#!/bin/sh\n"
                + "for a in \"$@\"; do [ \"$a\" = -W ] && exec ssh -F " + config + " \"$@\"; done\n"
                + "exec ssh -F " + config + " \"$@\" </dev/null >>" + log + " 2>&1\n");
        Files.setPosixFilePermissions(userSsh, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> all = new HashMap<>(fleet.cliEnv());
        all.put("FERRY_BASTION", fleet.bastion);
        all.put("FERRY_SSH", userSsh.toString());
        all.putAll(env);
        List<String> command = new java.util.ArrayList<>(List.of("vps", "connect"));
        command.addAll(List.of(args));
        Processes.Result r = E2eFleet.ferry(all, home, command.toArray(String[]::new));
        String said = Files.exists(log) ? Files.readString(log) : "";
        assertEquals(0, r.exit(), r + "\nssh: " + said);
        return said.strip();
    }

    @Test
    void theSshLineCreatePrintsWorksForAStrictClientWithNothingInItsKnownHosts() throws Exception {
        Path home = Files.createDirectories(dir.resolve("printed-home"));
        Path config = strictUser(home); // neither ferry known-hosts nor ssh-config is run
        Map<String, String> env = new HashMap<>(fleet.cliEnv());
        env.put("FERRY_BASTION", fleet.bastion);
        Processes.Result created = E2eFleet.ferry(env, home, "vps", "create", "--image", SSHD_IMAGE, "--name",
                "e2e-printed", "--gen-ssh-key", "--wait", "--wait-timeout", "120");
        assertEquals(0, created.exit(), created.toString());
        String line = created.err().lines().filter(l -> l.startsWith("          or: ssh ")).findFirst()
                .orElseThrow(() -> new AssertionError("no ssh line printed: " + created)).substring(14);
        // the user's ssh, with their own strict options, for the line and its ProxyCommand hop alike
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path userSsh = Files.writeString(bin.resolve("ssh"), "#!/bin/sh\nexec /usr/bin/ssh -F " + config
                + " \"$@\"\n");
        Files.setPosixFilePermissions(userSsh, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line + " 'echo printed-$((6 * 7))'")
                .redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), line);
        assertEquals(0, p.exitValue(), line + "\n" + out);
        assertTrue(out.contains("printed-42"), out);
        assertEquals("", Files.readString(config.getParent().resolve("known_hosts")), "nothing asked, nothing learnt");
    }
}

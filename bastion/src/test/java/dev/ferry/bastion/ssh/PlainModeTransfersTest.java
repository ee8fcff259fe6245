package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data through plain mode: stdin, 100 MiB each way, a fast writer held to its reader's window, and files copied
 * with sftp, scp and rsync.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainModeTransfersTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private PlainModeTestSupport plain;
    private BastionTestSupport t;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        plain = PlainModeTestSupport.start(dir, opened);
        t = plain.t;
    }

    @Test
    void stdinSentRightAfterExecArrivesWhole() throws Exception {
        byte[] data = new byte[1 << 20];
        new SecureRandom().nextBytes(data);
        Processes.Result r = Processes.run(List.of("ssh", "-F", t.alice.config().toString(), "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1", "sha256sum; echo done"), data, 60).requireSuccess();
        assertEquals(sha256(data) + "  -\ndone", r.out().strip(), r.toString());
    }

    @Test
    void carries100MiBEachWayExactly() throws Exception {
        Path up = plain.dir.resolve("up.bin");
        writeRandom(up, 100L << 20);
        String remote = plain.dir.resolve("remote-up.bin").toString();
        Processes.Result r = sh(sshArgsToBastion() + " 'cat > " + remote + " && wc -c < " + remote + "' < " + up, 180);
        assertEquals(Long.toString(100L << 20), r.out().strip(), r.toString());
        assertEquals(sha256(up), sha256(Path.of(remote)));

        Path down = plain.dir.resolve("down.bin");
        sh(sshArgsToBastion() + " 'cat " + remote + "' > " + down, 180);
        assertEquals(100L << 20, Files.size(down));
        assertEquals(sha256(up), sha256(down));
    }

    @Test
    void aFastWriterIsBoundByTheReadersWindow() throws Exception {
        // head stops reading: ssh sends eow@openssh.com, cat dies of SIGPIPE and ssh ends (255, as it does
        // straight to sshd: the remote command was killed by a signal)
        Processes.Result r = Processes.run(List.of("bash", "-c", sshArgsToBastion()
                + " 'cat /dev/zero' | head -c 1G | wc -c"), null, 300);
        assertEquals("1073741824", r.out().strip(), r.toString());

        Process p = new ProcessBuilder("ssh", "-F", t.alice.config().toString(), "-p", Integer.toString(t.port),
                "vps-web@127.0.0.1", "cat /dev/zero").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (InputStream in = p.getInputStream()) {
            assertEquals(10 << 20, in.readNBytes(10 << 20).length);
            long before = usedHeapAfterGc();
            // the reader stops: the container must stop with it, not the bastion's heap grow (the stream moved well
            // over 100 MiB/s above, so a Host that buffered what its reader leaves would pass 64 MiB in under a second)
            Thread.sleep(5_000);
            long during = usedHeapAfterGc();
            assertTrue(during - before < 64L << 20, "the Host's heap grew by " + ((during - before) >> 20)
                    + " MiB while the reader stood still");
            assertEquals(50 << 20, in.readNBytes(50 << 20).length, "the stream goes on once the reader reads");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sftpAloneScpAndRsync() throws Exception {
        Path file = plain.dir.resolve("big.bin");
        writeRandom(file, 200L << 20);
        Path remoteDir = Files.createDirectories(plain.dir.resolve("remote-copies"));
        // sftp as the first and only thing on the connection: the subsystem request goes to the VPS
        Path batch = Files.writeString(plain.dir.resolve("batch"), "put " + file + " " + remoteDir.resolve("sftp.bin")
                + "\nget " + remoteDir.resolve("sftp.bin") + " " + plain.dir.resolve("sftp-back.bin") + "\n");
        t.alice.tool("sftp", null, "-b", batch.toString(), "-P", Integer.toString(t.port), "vps-web@127.0.0.1")
                .requireSuccess();
        assertEquals(sha256(file), sha256(plain.dir.resolve("sftp-back.bin")));
        for (String mode : List.of("-s", "-O")) { // scp over sftp (the default) and the legacy protocol
            Path back = plain.dir.resolve("scp-back" + mode + ".bin");
            t.alice.tool("scp", null, mode, "-P", Integer.toString(t.port), file.toString(),
                    "vps-web@127.0.0.1:" + remoteDir.resolve("scp" + mode + ".bin")).requireSuccess();
            t.alice.tool("scp", null, mode, "-P", Integer.toString(t.port),
                    "vps-web@127.0.0.1:" + remoteDir.resolve("scp" + mode + ".bin"), back.toString()).requireSuccess();
            assertEquals(sha256(file), sha256(back), mode);
        }
        Path tree = Files.createDirectories(plain.dir.resolve("tree/sub"));
        Files.writeString(tree.resolve("a.txt"), "alpha");
        Processes.run(List.of("rsync", "-a", "-e", "ssh -F " + t.alice.config() + " -p " + t.port,
                plain.dir.resolve("tree") + "/", "vps-web@127.0.0.1:" + plain.dir.resolve("tree-copy") + "/"), null,
                120).requireSuccess();
        assertEquals("alpha", Files.readString(plain.dir.resolve("tree-copy/sub/a.txt")));
    }

    /** The same command straight to the VPS's sshd, as the certificate's user: what plain mode must equal. */
    private String sshArgsToBastion() {
        return "ssh -F " + t.alice.config() + " -p " + t.port + " vps-web@127.0.0.1";
    }

    private static Processes.Result sh(String script, int seconds) {
        return Processes.run(List.of("bash", "-o", "pipefail", "-c", script), null, seconds).requireSuccess();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void writeRandom(Path file, long size) throws Exception {
        byte[] block = new byte[1 << 20];
        SecureRandom random = new SecureRandom();
        try (var out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += block.length) {
                random.nextBytes(block);
                out.write(block);
            }
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

package dev.ferry.bastion.ssh;

import dev.ferry.keys.PrivateKeyFiles;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * A hostile user, run as its own process: it opens a session in plain mode, then, once told "go" on stdin,
 * sends channel data as fast as it can with no regard for the window it was given.
 *
 * <p>Usage: {@code WindowIgnoringClient PORT USER KEY MEGABYTES}; prints "opened", then "sent".
 */
public final class WindowIgnoringClient {
    private WindowIgnoringClient() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long megabytes = Long.parseLong(args[3]);
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            client.start();
            try (ClientSession s = client.connect(args[1], "127.0.0.1", port).verify(Duration.ofSeconds(20))
                    .getSession()) {
                s.addPublicKeyIdentity(PrivateKeyFiles.read(Path.of(args[2])));
                s.auth().verify(Duration.ofSeconds(20));
                ChannelExec exec = s.createExecChannel("sleep 600");
                exec.open().verify(Duration.ofSeconds(20));
                System.out.println("opened");
                System.out.flush();
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                byte[] chunk = new byte[32 * 1024];
                for (long sent = 0; sent < megabytes << 20; sent += chunk.length) {
                    Buffer b = s.createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, chunk.length + 16);
                    b.putUInt(exec.getRecipient());
                    b.putBytes(chunk);
                    s.writePacket(b).verify(Duration.ofSeconds(600));
                }
                System.out.println("sent");
                System.out.flush();
                Thread.sleep(600_000);
            }
        }
    }
}

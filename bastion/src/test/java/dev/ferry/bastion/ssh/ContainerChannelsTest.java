package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.keys.KeyPairs;
import dev.ferry.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.ChannelSession;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile VPS: its SSH server (MINA's, speaking the real protocol) tries to open a session channel
 * towards the user, which no sshd does. The bastion relays only -R connections, agent and X11 channels
 * from a container, and refuses the rest itself, before the user's client is asked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerChannelsTest {
    private BastionTestSupport t;
    private SshServer vps;
    private final CompletableFuture<Throwable> refusal = new CompletableFuture<>();

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        t = BastionTestSupport.start(dir);
        PublicKey ca = DataDir.prepare(dir.resolve("host")).userCa().getPublic();
        vps = SshServer.setUpDefaultServer();
        vps.setHost("127.0.0.1");
        vps.setPort(0);
        vps.setKeyPairProvider(KeyPairProvider.wrap(KeyPairs.generate()));
        // trusts certificates of the Host's user CA, as TrustedUserCAKeys does
        vps.setPublickeyAuthenticator((user, key, session) -> key instanceof OpenSshCertificate c
                && KeyUtils.compareKeys(c.getCaPubKey(), ca));
        vps.setCommandFactory((channel, command) -> new OpensASessionTowardsTheUser());
        vps.start();
        t.host.registry().create(new NewVps("hostile", new Endpoint("127.0.0.1", vps.getPort()),
                List.of(BastionTestSupport.pub(t.aliceKey))));
    }

    @AfterAll
    void stop() throws Exception {
        if (vps != null) {
            vps.stop(true);
        }
        if (t != null) {
            t.close();
        }
    }

    @Test
    void aChannelTheUserNeverAskedForIsRefusedByTheBastion() throws Exception {
        Processes.Result r = t.sshTo(t.alice, "vps-hostile", "anything");
        assertEquals("tried\n", r.out(), r.toString());
        Throwable why = refusal.get(20, TimeUnit.SECONDS);
        assertTrue(why != null && why.getMessage().contains(
                "the bastion relays only forwarded-tcpip, agent and x11 channels to the user"), String.valueOf(why));
        t.awaitLogged("the container opened a 'session' channel towards the user: refused", 10);
    }

    /** Opens a "session" channel back to its client, prints "tried" and ends once the open is answered. */
    private final class OpensASessionTowardsTheUser implements Command {
        private java.io.OutputStream out;
        private ExitCallback exit;

        @Override
        public void start(org.apache.sshd.server.channel.ChannelSession session, Environment env) throws IOException {
            ServerSession s = session.getServerSession();
            ChannelSession towardsUser = new ChannelSession();
            s.getService(ConnectionService.class).registerChannel(towardsUser);
            OpenFuture open = towardsUser.open();
            open.addListener(f -> {
                refusal.complete(f.isOpened() ? null : f.getException());
                try {
                    out.write("tried\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (IOException e) {
                    refusal.completeExceptionally(e);
                }
                exit.onExit(0);
            });
        }

        @Override
        public void destroy(org.apache.sshd.server.channel.ChannelSession session) {
        }

        @Override
        public void setInputStream(java.io.InputStream in) {
        }

        @Override
        public void setOutputStream(java.io.OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(java.io.OutputStream err) {
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }
    }
}

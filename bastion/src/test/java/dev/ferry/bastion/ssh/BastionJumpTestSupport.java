package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.NewVps;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Path;
import java.util.List;

/**
 * The bastion against the stock OpenSSH client, with a real sshd as the VPS, for the BastionJump*Test classes: a
 * Host (1 s keepalives, 3 missed) and one sshd that does not trust Ferry's user CA, so it is reached with ProxyJump
 * only, registered twice: {@code web} holding alice's key and {@code db} holding bob's. All are closed by the test
 * class's {@link Opened}.
 */
final class BastionJumpTestSupport {
    final BastionTestSupport t;
    final SshdFixture sshd;
    final Vps web;
    final Vps db;

    private BastionJumpTestSupport(BastionTestSupport t, SshdFixture sshd, Vps web, Vps db) {
        this.t = t;
        this.sshd = sshd;
        this.web = web;
        this.db = db;
    }

    static BastionJumpTestSupport start(Path dir, Opened opened) throws Exception {
        BastionTestSupport t = opened.add(BastionTestSupport.start(dir));
        SshPublicKey alicePub = BastionTestSupport.pub(t.aliceKey);
        SshPublicKey bobPub = BastionTestSupport.pub(t.bobKey);
        // this VPS's sshd does not trust Ferry's user CA: it is reached with ProxyJump only
        SshdFixture sshd = SshdFixture.start(dir.resolve("vps"), List.of(alicePub, bobPub));
        t.closeLater(sshd);
        Endpoint endpoint = Endpoint.parse(sshd.endpoint());
        Vps web = t.host.registry().create(new NewVps("web", endpoint, List.of(alicePub)));
        Vps db = t.host.registry().create(new NewVps("db", endpoint, List.of(bobPub)));
        return new BastionJumpTestSupport(t, sshd, web, db);
    }

    static void assertRefused(Processes.Result r, String reason) {
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("open failed: " + reason), "expected '" + reason + "' in:\n" + r);
    }
}

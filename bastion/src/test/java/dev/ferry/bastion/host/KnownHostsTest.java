package dev.ferry.bastion.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.SshPublicKey;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lines {@code ferry known-hosts} prints. */
class KnownHostsTest {
    private static final PublicKey CA = KeyPairs.generate().getPublic();
    private static final String CA_LINE = SshPublicKey.of(CA, "ferry-host-ca").toOpenSsh();

    @Test
    void onPort22TheBastionsNamesStandAlone() {
        assertEquals(List.of("@cert-authority bastion.example,::1 " + CA_LINE, "@cert-authority vps-* " + CA_LINE),
                KnownHosts.lines(List.of("bastion.example", "::1"), 22, CA));
    }

    @Test
    void onAnotherPortEveryNameCarriesIt() {
        // known_hosts looks a host on another port up as [name]:port; the VPS behind a jump are on 22
        assertEquals(List.of("@cert-authority [bastion.example]:2222,[::1]:2222 " + CA_LINE,
                        "@cert-authority vps-* " + CA_LINE),
                KnownHosts.lines(List.of("bastion.example", "::1"), 2222, CA));
    }
}

package dev.ferry.bastion.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.SshPublicKey;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;

/** The host certificates the Host makes for VPS sshds. */
class VpsCertificatesTest {
    private final KeyPair ca = KeyPairs.generate();
    private final VpsCertificates certificates = new VpsCertificates(ca);
    private final SshPublicKey hostKey = TestKeys.ed25519("root@web");

    private static Vps vps(String name, SshPublicKey hostKey) {
        Instant t = Instant.parse("2026-11-26T12:00:00Z");
        return new Vps(7323718749301768192L, name, VpsStatus.RUNNING, Endpoint.parse("127.0.0.1:32768"), 1, t, t,
                null, null, hostKey == null ? null : hostKey.type() + " " + hostKey.base64(), false,
                dev.ferry.bastion.vps.VpsPolicy.DEFAULT, null, null);
    }

    private static OpenSshCertificate parse(String line) throws Exception {
        return (OpenSshCertificate) PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, null, null);
    }

    @Test
    void theCertificateNamesTheVpsByIdAndNameForItsReportedKey() throws Exception {
        String line = certificates.certificate(vps("web", hostKey));
        OpenSshCertificate cert = parse(line);
        assertEquals(OpenSshCertificate.Type.HOST, cert.getType());
        assertEquals(List.of("vps-7323718749301768192", "vps-web"), List.copyOf(cert.getPrincipals()));
        assertTrue(KeyUtils.compareKeys(ca.getPublic(), cert.getCaPubKey()), "signed by the host CA");
        assertTrue(HostCertificates.certifies(line, hostKey.toOpenSsh()));
        assertEquals(OpenSshCertificate.INFINITY, cert.getValidBefore());
        assertEquals(List.of("vps-7323718749301768192"), List.copyOf(parse(certificates.certificate(
                vps(null, hostKey))).getPrincipals()), "a VPS without a name has its id only");
    }

    @Test
    void theSameVpsGetsTheSameCertificateARenamedOneOrANewKeyAnother() throws Exception {
        String line = certificates.certificate(vps("web", hostKey));
        assertSame(line, certificates.certificate(vps("web", hostKey)), "every heartbeat: kept, not signed again");
        assertEquals(line, new VpsCertificates(ca).certificate(vps("web", hostKey)),
                "another Host, or this one after a restart: the same certificate, no re-install");
        String renamed = certificates.certificate(vps("shop", hostKey));
        assertNotEquals(line, renamed);
        assertTrue(parse(renamed).getPrincipals().contains("vps-shop"));
        SshPublicKey remade = TestKeys.ed25519("root@web");
        String rekeyed = certificates.certificate(vps("web", remade));
        assertTrue(HostCertificates.certifies(rekeyed, remade.toOpenSsh()));
        assertTrue(!HostCertificates.certifies(rekeyed, hostKey.toOpenSsh()));
        assertEquals(line, certificates.certificate(vps("web", hostKey)), "and back");
    }

    @Test
    void nothingIsCertifiedWhileTheKeyIsUnknown() {
        assertNull(certificates.certificate(vps("web", null)));
    }
}

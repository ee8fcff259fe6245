package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.people.sso.SsoSettings;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import dev.ferry.testing.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person with no key on record gets in with a certificate from the Host's client CA (what {@code ferry login --sso
 * --ssh} receives), with a stock OpenSSH client: plain mode, and ProxyJump to a VPS whose sshd trusts the client CA
 * for that person ({@code cert-authority,principals=}), as runners set it up. What is refused: a certificate of
 * another CA, one that expired, one naming nobody, one of a disabled person, and any certificate on a Host without
 * single sign-on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateLoginTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;
    private People people;
    private Path dir;
    private Path clientCa;
    private Vps vps;
    private BastionTestSupport.Started started;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        // the provider is never asked here: certificates are made as a sign-in would make them
        t = opened.add(BastionTestSupport.start(dir, Duration.ofSeconds(1), c -> c.with(HostSettings.SSO_ISSUER,
                SsoSettings.issuer("http://127.0.0.1:9/realms/ferry"))));
        people = t.host.registry().people();
        people.add("carol", Role.MEMBER, List.of(), People.ADMIN_TOKEN);
        clientCa = dir.resolve("host").resolve(DataDir.CLIENT_CA);
        started = t.startVps("sshd-web", "web", List.of(BastionTestSupport.pub(t.bobKey)));
        t.closeLater(started);
        vps = started.vps();
        people.grant(vps.id(), "carol", List.of(), null, People.ADMIN_TOKEN);
        // the VPS's sshd trusts the client CA for carol, as a runner writes it in /etc/ssh/ferry_keys/root
        Files.writeString(dir.resolve("sshd-web").resolve("authorized_keys"), "cert-authority,principals=\"carol\" "
                + new ClientCa(PrivateKeyFiles.read(clientCa)).publicLine() + "\n", StandardOpenOption.APPEND);
    }

    /** A key of carol's, certified by the Host's client CA as a sign-in does, and a client offering it. */
    private SshClientFixture certified(String name, String person, Instant now, Duration validity) throws Exception {
        Path key = SshKeygen.ed25519(dir.resolve("certified"), name);
        String cert = new ClientCa(PrivateKeyFiles.read(clientCa)).certify(SshPublicKey.parse(Files.readString(
                Path.of(key + ".pub"))).toJavaKey(), person, now, validity);
        Files.writeString(Path.of(key + "-cert.pub"), cert + "\n");
        return t.client(name, List.of(key), null);
    }

    @Test
    void aCertifiedPersonGetsInWithNoKeyOnRecordInPlainModeAndThroughAJump() throws Exception {
        SshClientFixture carol = certified("carol", "carol", Instant.now(), Duration.ofHours(1));
        assertEquals("in as root", t.sshTo(carol, "vps-web", "echo in as $(id -un)").requireSuccess().out().strip());
        t.audit.await("login", e -> AuditEvents.has(e, "as", "vps-web") && AuditEvents.has(e, "via",
                "carol (grant)"), 1, 5);
        // end to end: the bastion lets the jump hop in as carol, the VPS's sshd takes the same certificate
        Processes.Result jumped = carol.ssh("-o", "ProxyCommand=ssh -F " + carol.config() + " -p " + t.port
                + " -W %h:%p jump@127.0.0.1", "-p", "22", SshClientFixture.user() + "@vps-web", "echo jumped");
        assertEquals("jumped", jumped.requireSuccess().out().strip(), jumped.toString());
        t.audit.await("login", e -> AuditEvents.has(e, "as", "jump") && AuditEvents.has(e, "via", "carol")
                && e.path("key").asText().startsWith("cert:carol@"), 1, 5);
    }

    @Test
    void aSessionEndsWhenItsCertificateDoes() throws Exception {
        Instant now = Instant.now();
        SshClientFixture brief = certified("brief", "carol", now, Duration.ofSeconds(8));
        Instant end = now.plusSeconds(8).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try (Background held = Background.start(List.of("ssh", "-F", brief.config().toString(), "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1", "echo in; sleep 60"))) {
            held.awaitStdout("in", 20);
            held.awaitStderr(Pattern.compile(Pattern.quote("ferry: carol's certificate ended at " + end + "; sign in "
                    + "again: ferry login --sso --ssh; this session ends")), 20);
        }
    }

    @Test
    void aHostWithoutSingleSignOnTakesNoCertificate() throws Exception {
        BastionTestSupport plain = opened.add(BastionTestSupport.start(dir.resolve("no-sso")));
        plain.host.registry().people().add("carol", Role.MEMBER, List.of(), People.ADMIN_TOKEN);
        BastionTestSupport.Started s = plain.startVps("sshd-plain", "plain", List.of(BastionTestSupport.pub(
                plain.bobKey)));
        plain.closeLater(s);
        plain.host.registry().people().grant(s.vps().id(), "carol", List.of(), null, People.ADMIN_TOKEN);
        // its client CA exists (runners are told of it), but with no sso_issuer the bastion takes none of its own
        Path key = SshKeygen.ed25519(dir.resolve("no-sso-keys"), "carol");
        SshKeygen.certify(dir.resolve("no-sso/host").resolve(DataDir.CLIENT_CA), key, "carol");
        Processes.Result r = plain.sshTo(plain.client("carol", List.of(key), null), "vps-plain", "true");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("Permission denied (publickey)"), r.err());
    }

    @Test
    void aCertificateOfAnotherCaIsRefused() throws Exception {
        Path otherCa = SshKeygen.ed25519(dir.resolve("other-ca"), "other-ca");
        Path key = SshKeygen.ed25519(dir.resolve("forged"), "forged");
        SshKeygen.certify(otherCa, key, "carol");
        Processes.Result r = t.sshTo(t.client("forged", List.of(key), null), "vps-web", "true");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("Permission denied (publickey)"), r.err());
        t.awaitLogged("certificate test-cert carol refused", 5);
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        SshClientFixture old = certified("expired", "carol", Instant.now().minus(Duration.ofHours(2)),
                Duration.ofHours(1));
        Processes.Result r = t.sshTo(old, "vps-web", "true");
        assertEquals(255, r.exit(), r.toString());
        assertTrue(r.err().contains("Permission denied (publickey)"), r.err());
    }

    @Test
    void aCertificateForNobodyOrForADisabledPersonIsRefused() throws Exception {
        assertEquals(255, t.sshTo(certified("nobody", "nobody", Instant.now(), Duration.ofHours(1)), "vps-web",
                "true").exit(), "no such person");
        people.add("dora", Role.MEMBER, List.of(), People.ADMIN_TOKEN);
        people.grant(vps.id(), "dora", List.of(), null, People.ADMIN_TOKEN);
        SshClientFixture dora = certified("dora", "dora", Instant.now(), Duration.ofHours(1));
        assertEquals("dora", t.sshTo(dora, "vps-web", "echo dora").requireSuccess().out().strip());
        try (Background held = Background.start(List.of("ssh", "-F", dora.config().toString(), "-p",
                Integer.toString(t.port), "vps-web@127.0.0.1", "echo in; sleep 60"))) {
            held.awaitStdout("in", 20);
            people.setDisabled("dora", true, People.ADMIN_TOKEN);
            held.awaitStderr(Pattern.compile(Pattern.quote("ferry: dora was disabled by admin token; this session "
                    + "ends")), 20);
        }
        assertEquals(255, t.sshTo(dora, "vps-web", "true").exit(), "disabled");
    }
}

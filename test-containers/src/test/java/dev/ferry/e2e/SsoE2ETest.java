package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.people.sso.SsoSettings;
import dev.ferry.bastion.ssh.SshClientFixture;
import dev.ferry.cli.Env;
import dev.ferry.cli.Main;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.HostTarget;
import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single sign-on end to end (issue 22), against a real OpenID Connect provider (Keycloak): {@code ferry login --sso
 * --ssh} on a machine of alice's, the device flow completed on the provider's own pages, then a stock {@code ssh}
 * with the certificate it brought, in plain mode and through {@code -J} to a runner's VPS, whose sshd takes the
 * certificate for the people the runner named. Alice has no SSH key on record; mallory, whom nobody added, is
 * refused; a sign-in refused at the provider gives nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SsoE2ETest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String SSHD_IMAGE = "ferry-test/sshd:1";
    private static final Pattern OPEN = Pattern.compile("To sign in, open (\\S+) in a browser");

    private E2eFleet fleet;
    private KeycloakServer keycloak;
    private Path dir;
    private Path secret;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        keycloak = opened.add(KeycloakServer.start(dir.resolve("keycloak")));
        secret = Files.writeString(dir.resolve("sso.secret"), KeycloakServer.SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        fleet = opened.add(E2eFleet.start(dir, c -> c.with(HostSettings.SSO_ISSUER,
                SsoSettings.issuer(keycloak.issuer())).with(HostSettings.SSO_CLIENT_SECRET_FILE, secret)));
        fleet.create("e2e-sso", SSHD_IMAGE);
        ok("user", "add", "alice", "--role", "member");
        ok("vps", "grant", "e2e-sso", "alice");
    }

    private void ok(String... args) {
        Processes.Result r = fleet.ferry(args);
        assertEquals(0, r.exit(), r.toString());
    }

    /** A sign-in as it runs on someone's machine: ferry login --sso, and the person at the provider's pages. */
    private record SignIn(int code, String out, String err, String providerSaid) {
    }

    private SignIn signIn(Path home, String user, String password, boolean grant) throws Exception {
        return signIn(fleet.host, home, user, password, grant);
    }

    private SignIn signIn(Host host, Path home, String user, String password, boolean grant) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cmd = Main.commandLine(new Env(Map.of(), home));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> args = new java.util.ArrayList<>(List.of("login", "--sso", "--ssh", "--host", host.apiUrl()));
        if (host.apiUrl().startsWith("https:")) {
            args.addAll(List.of("--host-fingerprint", host.apiFingerprint().toString()));
        }
        CompletableFuture<Integer> login = CompletableFuture.supplyAsync(() -> cmd.execute(args.toArray(
                String[]::new)));
        String url = Await.value("ferry login prints where to sign in", Duration.ofSeconds(30), () -> {
            Matcher m = OPEN.matcher(out.toString());
            return m.find() ? m.group(1) : null;
        }, u -> u != null || login.isDone());
        assertTrue(url != null, "no URL printed:\n" + out + err);
        String said = keycloak.approve(url, user, password, grant);
        int code = login.get(60, java.util.concurrent.TimeUnit.SECONDS);
        return new SignIn(code, out.toString(), err.toString(), said);
    }

    @Test
    void aPersonSignsInAndReachesTheirVpsWithTheCertificateBothWaysIn() throws Exception {
        Path laptop = Files.createDirectories(dir.resolve("alice-laptop"));
        SignIn in = signIn(laptop, "alice", "alice-pw", true);
        assertEquals("Device Login Successful", in.providerSaid());
        assertEquals(0, in.code(), in.out() + in.err());
        assertTrue(in.out().contains("logged in to " + fleet.host.apiUrl() + " as alice (member) until "), in.out());
        Path key = laptop.resolve(".ferry/sso_ed25519");
        Path cert = laptop.resolve(".ferry/sso_ed25519-cert.pub");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        String certText = Processes.run(List.of("ssh-keygen", "-L", "-f", cert.toString()), null, 30)
                .requireSuccess().out();
        assertTrue(certText.contains("Principals: \n                alice\n"), certText);
        Processes.Result me = E2eFleet.ferry(Map.of(), laptop, "whoami");
        assertTrue(me.out().startsWith("alice (member), with the token sso "), me.toString());

        // a stock ssh with nothing but the key ferry made (its certificate beside it): plain mode...
        SshClientFixture alice = SshClientFixture.create(dir.resolve("alice-client"), List.of(key), null);
        assertEquals("root", alice.ssh("-p", Integer.toString(fleet.port), "vps-e2e-sso@127.0.0.1", "id -un")
                .requireSuccess().out().strip());
        // ...and through the bastion to the VPS's own sshd, which the runner told to take alice's certificates
        Await.until("alice's ProxyJump with her certificate", Duration.ofSeconds(60), () -> alice.ssh("-J",
                "vps-e2e-sso@" + fleet.bastion, "root@vps-e2e-sso", "true").exit() == 0);
        assertEquals("root", alice.ssh("-J", "jump@" + fleet.bastion, "root@vps-e2e-sso", "id -un")
                .requireSuccess().out().strip(), "the generic jump user too");

        String first = Files.readString(cert);
        // signing in again works (the same identity at the provider) and gives a new certificate
        SignIn again = signIn(laptop, "alice", "alice-pw", true);
        assertEquals(0, again.code(), again.out() + again.err());
        assertNotEquals(first, Files.readString(cert), "a new certificate");

        // ferry ssh-config names the key and its certificate, and its lines work as they are
        Processes.Result config = E2eFleet.ferry(Map.of(), laptop, "ssh-config", "--plain");
        assertEquals(0, config.exit(), config.toString());
        assertTrue(config.out().contains("CertificateFile " + cert + "\n"), config.out());
    }

    @Test
    void anIdentityNobodyAddedIsRefusedAndSoIsASignInDeniedAtTheProvider() throws Exception {
        SignIn mallory = signIn(Files.createDirectories(dir.resolve("mallory-laptop")), "mallory", "mallory-pw", true);
        assertNotEquals(0, mallory.code(), mallory.out());
        assertTrue(mallory.err().contains("no person named mallory is on this Host: an admin adds them with: "
                + "ferry user add mallory --role member"), mallory.err());
        assertTrue(Files.notExists(dir.resolve("mallory-laptop/.ferry/sso_ed25519-cert.pub")));

        SignIn denied = signIn(Files.createDirectories(dir.resolve("denied")), "alice", "alice-pw", false);
        assertNotEquals(0, denied.code(), denied.out());
        assertTrue(denied.err().contains("the sign-in was refused at the provider"), denied.err());
    }

    @Test
    void anIdentityNobodyAddedComesInAsANewMemberWhereTheHostAllowsIt() throws Exception {
        Host open = opened.add(Host.start(TestRegistries.of(HostConfig.defaults(dir.resolve("open-host"))
                .withListeners("127.0.0.1", 0, "127.0.0.1", 0).with(HostSettings.SSO_ISSUER,
                        SsoSettings.issuer(keycloak.issuer())).with(HostSettings.SSO_CLIENT_SECRET_FILE, secret)
                .with(HostSettings.SSO_NEW_PEOPLE, true))));
        SignIn mallory = signIn(open, Files.createDirectories(dir.resolve("mallory-open")), "mallory", "mallory-pw",
                true);
        assertEquals(0, mallory.code(), mallory.out() + mallory.err());
        assertTrue(mallory.out().contains(" as mallory (member) until "), mallory.out());
        assertEquals(Role.MEMBER, open.registry().people().get("mallory").role(), "a member, and no more");
    }

    /** Anyone may start a sign-in, so a client address holds at most a few under way (last: they stay a while). */
    @Test
    @Order(Integer.MAX_VALUE)
    void signInsUnderWayAreBoundedPerClient() {
        ApiClient anyone = new ApiClient(new HostTarget(fleet.host.apiUrl(), null, fleet.host.apiFingerprint()));
        FerryException fifth = assertThrows(FerryException.class, () -> {
            for (int i = 0; i < 5; i++) { // the earlier tests' sign-ins have ended: none is under way
                assertTrue(anyone.post("/api/v1/sso/start", Map.of()).path("user_code").asText().length() > 0);
            }
        }, "the fifth at the latest is refused");
        assertEquals(FerryException.Kind.CONFLICT, fifth.kind());
        assertTrue(fifth.getMessage().contains("too many sign-ins are under way"), fifth.getMessage());
    }
}

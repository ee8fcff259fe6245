package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.HostApi;
import dev.ferry.bastion.people.People;
import dev.ferry.bastion.people.Role;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.testing.Await;
import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * People reach VPS with keys of their own through grants (issue 22): with a real sshd as the VPS and the OpenSSH
 * client, a grant lets its person in as the login users it names, and a grant that ends, a revoke or a disable
 * ends the sessions that relied on it, with the sentence the client prints. The VPS holds only bob's key: alice
 * gets in as a person or not at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeopleAccessTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private BastionTestSupport t;
    private People people;
    private SshClientFixture bob;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        t = opened.add(BastionTestSupport.start(dir));
        people = t.host.registry().people();
        bob = t.client("bob", List.of(t.bobKey), null);
        people.add("alice", Role.MEMBER, List.of(BastionTestSupport.pub(t.aliceKey)), People.ADMIN_TOKEN);
    }

    private Vps vps(String name) throws Exception {
        BastionTestSupport.Started s = t.startVps("sshd-" + name, name, List.of(BastionTestSupport.pub(t.bobKey)));
        t.closeLater(s);
        return s.vps();
    }

    private Background session(String user) throws Exception {
        return Background.start(List.of("ssh", "-F", t.alice.config().toString(), "-p", Integer.toString(t.port),
                user + "@127.0.0.1", "echo in; sleep 60"));
    }

    @Test
    void aGrantLetsItsPersonInAsTheLoginUsersItNames() throws Exception {
        Vps v = vps("granted");
        assertEquals(255, t.sshTo(t.alice, "vps-granted", "true").exit(), "no grant: her key is nothing here");
        people.grant(v.id(), "alice", List.of("root"), null, People.ADMIN_TOKEN);
        assertEquals("in as root", t.sshTo(t.alice, "vps-granted", "echo in as $(id -un)").requireSuccess().out()
                .strip());
        Processes.Result other = t.sshTo(t.alice, "vps-granted+dev", "true");
        assertTrue(other.err().contains("alice's grant to vps-granted allows the login user root, not dev: log in "
                + "as vps-granted+root"), other.toString());
        assertEquals("bob", t.sshTo(bob, "vps-granted", "echo bob").requireSuccess().out().strip(),
                "the VPS's own key works as before");
        // the audit names who got in, and by what
        t.audit.await("login", e -> AuditEvents.has(e, "as", "vps-granted") && AuditEvents.has(e, "via",
                "alice (grant)"), 1, 5);
        t.audit.await("login", e -> AuditEvents.has(e, "as", "vps-granted") && AuditEvents.has(e, "via",
                "VPS key"), 1, 5);
    }

    @Test
    void aGrantThatEndsEndsTheSessionsThatReliedOnIt() throws Exception {
        Vps v = vps("expiring");
        Instant until = Instant.now().plusSeconds(6).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        people.grant(v.id(), "alice", List.of(), until, People.ADMIN_TOKEN);
        // and one held through a ControlMaster connection, whose client shows no reason (the Host's log has it)
        Path sockets = Files.createDirectories(dir.resolve("cm"));
        SshClientFixture muxing = t.client("cm-alice", List.of(t.aliceKey), "Host 127.0.0.1\n    ControlMaster auto\n"
                + "    ControlPath " + sockets + "/%C\n    ControlPersist 60\n");
        try (Background held = session("vps-expiring");
             Background muxed = Background.start(List.of("ssh", "-F", muxing.config().toString(), "-p",
                     Integer.toString(t.port), "vps-expiring@127.0.0.1", "echo in; sleep 60"))) {
            held.awaitStdout("in", 20);
            muxed.awaitStdout("in", 20);
            held.awaitStderr(Pattern.compile(Pattern.quote("ferry: alice's access to " + v.label() + " ended at "
                    + until + "; ask its owner or an admin for a new grant; this session ends")), 20);
            Await.until("the ControlMaster session ended", Duration.ofSeconds(10), () -> !muxed.alive());
            t.awaitLogged("ended: alice's access to " + v.label() + " ended at " + until, 10);
        } finally {
            muxing.ssh("-O", "exit", "-p", Integer.toString(t.port), "vps-expiring@127.0.0.1");
        }
        Processes.Result after = t.sshTo(t.alice, "vps-expiring", "true");
        assertTrue(after.err().contains("alice's access to vps-expiring ended at " + until), after.toString());
    }

    @Test
    void aGrantNoLongerNamingItsLoginUserEndsThePlainSessionsAsThatUser() throws Exception {
        Vps v = vps("narrowed");
        people.grant(v.id(), "alice", List.of(), null, People.ADMIN_TOKEN);
        try (Background held = session("vps-narrowed")) {
            held.awaitStdout("in", 20);
            people.grant(v.id(), "alice", List.of("dev"), null, People.ADMIN_TOKEN);
            held.awaitStderr(Pattern.compile(Pattern.quote("ferry: alice's grant to " + v.label() + " allows the "
                    + "login user dev, not root: log in as " + v.sshUser() + "+dev; this session ends")), 10);
        }
    }

    @Test
    void revokingAGrantEndsTheSessionsThatReliedOnIt() throws Exception {
        Vps v = vps("revoked");
        people.grant(v.id(), "alice", List.of(), null, People.ADMIN_TOKEN);
        try (Background held = session("vps-revoked")) {
            held.awaitStdout("in", 20);
            people.revoke(v.id(), "alice");
            held.awaitStderr(Pattern.compile(Pattern.quote("ferry: alice's access to " + v.label() + " was revoked; "
                    + "this session ends")), 10);
        }
        assertEquals(255, t.sshTo(t.alice, "vps-revoked", "true").exit());
    }

    @Test
    void disablingAPersonRefusesTheirKeyAndEndsTheirSessions() throws Exception {
        Vps v = vps("disabled");
        people.add("dave", Role.MEMBER, List.of(BastionTestSupport.pub(t.malloryKey)), People.ADMIN_TOKEN);
        people.grant(v.id(), "dave", List.of(), null, People.ADMIN_TOKEN);
        SshClientFixture dave = t.client("dave", List.of(t.malloryKey), null);
        try (Background held = Background.start(List.of("ssh", "-F", dave.config().toString(), "-p",
                Integer.toString(t.port), "vps-disabled@127.0.0.1", "echo in; sleep 60"))) {
            held.awaitStdout("in", 20);
            // through the API, as ferry user disable does: one audit event names who did it
            assertEquals(200, new HostApi(t.host).send("POST", "/api/v1/users/dave/disable", null).statusCode());
            held.awaitStderr(Pattern.compile(Pattern.quote("ferry: dave was disabled by admin token; this session "
                    + "ends")), 10);
            t.audit.await("person_disabled", e -> AuditEvents.has(e, "person", "dave")
                    && AuditEvents.has(e, "by", "admin token"), 1, 5);
        }
        Processes.Result refused = t.sshTo(dave, "vps-disabled", "true");
        assertTrue(refused.err().contains("Permission denied (publickey)"), refused.toString());
        t.awaitLogged("vps-disabled: key " + BastionTestSupport.pub(t.malloryKey).fingerprint() + " of dave refused "
                + "(disabled)", 10);
        people.setDisabled("dave", false, "root");
        Await.until("dave back in", Duration.ofSeconds(10), () -> t.sshTo(dave, "vps-disabled", "true").exit() == 0);
    }
}

package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry user ...} and {@code ferry vps grant|revoke|access} through the real CLI and the control API. */
class CliPeopleTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private AdminCliTestSupport cli;

    @BeforeEach
    void start() throws Exception {
        cli = new AdminCliTestSupport(home, opened);
    }

    private CliTestSupport.Result ok(String... args) {
        CliTestSupport.Result r = cli.ferry(args);
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    @Test
    void peopleAreAddedShownDisabledAndRemovedWithTheirKeys() {
        assertEquals("added alice (member, 1 key)", ok("user", "add", "alice", "--role", "member", "--ssh-key",
                cli.aliceFile.toString()).out().strip());
        ok("user", "add", "audrey", "--role", "auditor");
        String list = ok("user", "list").out();
        assertTrue(list.startsWith("NAME") && list.contains("alice") && list.contains("member")
                && list.contains("audrey") && list.contains("auditor"), list);

        CliTestSupport.Result twice = cli.ferry("user", "add", "bob", "--role", "member", "--ssh-key",
                cli.aliceFile.toString());
        assertEquals(4, twice.code(), twice.toString());
        assertEquals("ferry: key " + cli.alice.fingerprint() + " is held by alice: a key names one person",
                twice.err().strip());
        CliTestSupport.Result role = cli.ferry("user", "add", "bob", "--role", "owner");
        assertEquals(2, role.code(), role.toString());
        assertEquals("ferry: no role 'owner': a role is one of admin, member, auditor", role.err().strip());

        assertEquals("disabled alice: their keys are refused and their sessions end",
                ok("user", "disable", "alice").out().strip());
        String shown = ok("user", "show", "alice").out();
        assertTrue(shown.contains("status:   disabled at ") && shown.contains(" by admin token"), shown);
        assertTrue(shown.contains(cli.alice.fingerprint()), shown);
        ok("user", "enable", "alice");
        assertTrue(ok("user", "show", "alice").out().contains("status:   enabled"));

        assertTrue(ok("user", "keys", "list", "alice").out().contains(cli.alice.fingerprint()));
        assertEquals("removed " + cli.alice.fingerprint(), ok("user", "keys", "remove", "alice",
                cli.alice.fingerprint()).out().strip());
        assertEquals("added " + cli.alice.fingerprint(), ok("user", "keys", "add", "alice", "--ssh-key",
                cli.aliceFile.toString()).out().strip());
        assertEquals("removed alice", ok("user", "remove", "alice").out().strip());
        CliTestSupport.Result gone = cli.ferry("user", "show", "alice");
        assertEquals(3, gone.code(), gone.toString());
        assertEquals("ferry: no person 'alice' (see: ferry user list)", gone.err().strip());
    }

    @Test
    void grantsSayWhoMayGetInAsWhomUntilWhen() {
        String id = cli.addVps("web");
        ok("user", "add", "alice", "--role", "member");
        ok("user", "add", "root-admin", "--role", "admin");
        ok("user", "add", "audrey", "--role", "auditor");
        String granted = ok("vps", "grant", "web", "alice", "--login", "root,dev", "--until",
                "2099-12-31T18:00Z").out().strip();
        assertTrue(granted.startsWith("granted alice as root, dev until 2099-12-31T18:00:00Z (granted by admin "
                + "token at "), granted);
        assertTrue(granted.endsWith(") to web"), granted);
        String access = ok("vps", "access", "web").out();
        assertTrue(access.startsWith("vps-" + id + " (web):\n"), access);
        assertTrue(access.contains("  VPS key " + cli.alice.fingerprint() + " (alice@laptop) as any user, no end"),
                access);
        assertTrue(access.contains("  root-admin (admin) as any user, no end"), access);
        assertTrue(access.contains("  alice as root, dev until 2099-12-31T18:00:00Z"), access);
        assertTrue(ok("user", "show", "alice").out().contains("  web (vps-" + id + ") as root, dev until "
                + "2099-12-31T18:00:00Z"));

        CliTestSupport.Result auditor = cli.ferry("vps", "grant", "web", "audrey");
        assertEquals(2, auditor.code(), auditor.toString());
        assertTrue(auditor.err().contains("audrey is an auditor: auditors read, and log in to no VPS"), auditor.err());
        CliTestSupport.Result when = cli.ferry("vps", "grant", "web", "alice", "--until", "friday");
        assertEquals(2, when.code(), when.toString());
        assertEquals("ferry: --until 'friday' is neither an instant (2026-12-31T18:00Z) nor a time from now (30m, "
                + "8h, 7d, 2w)", when.err().strip());
        CliTestSupport.Result login = cli.ferry("vps", "grant", "web", "alice", "--login", "Robert'); DROP");
        assertEquals(2, login.code(), login.toString());

        assertTrue(ok("vps", "grant", "web", "alice", "--until", "8h").out().contains("granted alice as any user "
                + "until "));
        assertEquals("revoked alice's grant to vps-" + id, ok("vps", "revoke", "web", "alice").out().strip());
        CliTestSupport.Result again = cli.ferry("vps", "revoke", "web", "alice");
        assertEquals(3, again.code(), again.toString());
        assertEquals("ferry: alice has no grant to vps-" + id + " (see: ferry vps access " + id + ")",
                again.err().strip());
    }
}

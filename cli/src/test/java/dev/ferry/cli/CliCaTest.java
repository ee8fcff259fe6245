package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.bastion.people.sso.SsoSettings;
import dev.ferry.keys.PrivateKeyFiles;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry ca user-key} and {@code ferry known-hosts}: the Host's CA keys as the lines sshd and ssh want. */
class CliCaTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private AdminCliTestSupport cli;

    @BeforeEach
    void start() throws Exception {
        cli = new AdminCliTestSupport(home, opened);
    }

    @Test
    void caUserKeyPrintsTheHostsUserCaAsOneLine() throws Exception {
        CliTestSupport.Result r = cli.ferry("ca", "user-key");
        assertEquals(0, r.code(), r.toString());
        assertEquals(Host.userCaLine(cli.host.userCa()) + "\n", r.out());
        assertTrue(r.out().startsWith("ssh-ed25519 ") && r.out().strip().endsWith(" ferry-user-ca"), r.out());
        JsonNode json = Json.MAPPER.readTree(cli.ferry("ca", "user-key", "--json").out());
        assertEquals(Host.userCaLine(cli.host.userCa()), json.get("public_key").asText());
    }

    @Test
    void caUserKeyForAVpsPrintsItsPrincipalAndTheSshdLines() throws Exception {
        String id = cli.addVps("ext");
        JsonNode json = Json.MAPPER.readTree(cli.ferry("ca", "user-key", "--vps", "ext", "--json").out());
        assertEquals("vps-" + id, json.get("principal").asText());
        assertEquals(Host.userCaLine(cli.host.userCa()), json.get("public_key").asText());
        assertEquals("[\"TrustedUserCAKeys /etc/ssh/ferry_user_ca.pub\",\"AuthorizedPrincipalsFile "
                + "/etc/ssh/ferry_principals\"]", json.get("sshd_config").toString());
        String script = cli.ferry("ca", "user-key", "--vps", "ext").out();
        assertTrue(script.contains("printf '%s\\n' 'vps-" + id + "' > /etc/ssh/ferry_principals\n"), script);
        assertTrue(script.contains("printf '%s\\n' '" + Host.userCaLine(cli.host.userCa()) + "' > "
                + "/etc/ssh/ferry_user_ca.pub\n"), script);
        CliTestSupport.Result unknown = cli.ferry("ca", "user-key", "--vps", "nope");
        assertEquals(ExitCodes.NOT_FOUND, unknown.code(), unknown.toString());
    }

    @Test
    void caClientKeyPrintsTheClientCaAndForAVpsTheLinesForThePeopleOfEachLoginUser() throws Exception {
        CliTestSupport.Result none = cli.ferry("ca", "client-key");
        assertEquals(ExitCodes.NOT_FOUND, none.code(), none.toString());
        assertTrue(none.err().contains("this Host has no single sign-on, so no client CA"), none.err());

        AdminCliTestSupport sso = new AdminCliTestSupport(home.resolve("sso"), opened, c -> c.with(
                HostSettings.SSO_ISSUER, SsoSettings.issuer("http://127.0.0.1:9/realms/ferry")));
        String ca = new ClientCa(PrivateKeyFiles.read(sso.dataDir.resolve(DataDir.CLIENT_CA))).publicLine();
        assertEquals(ca + "\n", sso.ferry("ca", "client-key").out());
        assertTrue(ca.endsWith(" " + ClientCa.COMMENT), ca);
        sso.addVps("ext");
        assertEquals(0, sso.ferry("user", "add", "ada", "--role", "admin").code());
        assertEquals(0, sso.ferry("user", "add", "alice", "--role", "member").code());
        assertEquals(0, sso.ferry("vps", "grant", "ext", "alice", "--login", "dev").code());
        CliTestSupport.Result lines = sso.ferry("ca", "client-key", "--vps", "ext");
        assertEquals(0, lines.code(), lines.toString());
        assertEquals("# as root on the machine of vps-ext, again after a grant changes: its sshd then takes the SSO "
                + "certificates of the people each login user is for\n"
                + "# (a file per user in /etc/ssh/ferry_sso, made anew as a whole, read besides "
                + "~/.ssh/authorized_keys)\n"
                + "rm -rf /etc/ssh/ferry_sso.new && mkdir -m 755 /etc/ssh/ferry_sso.new\n"
                + "echo 'cert-authority,principals=\"alice\" " + ca + "' > /etc/ssh/ferry_sso.new/dev\n"
                + "echo 'cert-authority,principals=\"ada\" " + ca + "' > /etc/ssh/ferry_sso.new/root\n"
                + "rm -rf /etc/ssh/ferry_sso && mv /etc/ssh/ferry_sso.new /etc/ssh/ferry_sso\n"
                + "grep -q '^AuthorizedKeysFile .*/etc/ssh/ferry_sso/%u' /etc/ssh/sshd_config || sed -i '1i "
                + "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/ferry_sso/%u' /etc/ssh/sshd_config\n"
                + "sshd -t && { systemctl reload ssh 2>/dev/null || kill -HUP \"$(cat /run/sshd.pid)\"; }\n",
                lines.out());
        // a grant revoked: the next run makes the directory anew, without dev's line
        assertEquals(0, sso.ferry("vps", "revoke", "ext", "alice").code());
        assertTrue(!sso.ferry("ca", "client-key", "--vps", "ext").out().contains("/etc/ssh/ferry_sso.new/dev"));
    }

    @Test
    void knownHostsPrintsTheCaLinesForTheBastionAndEveryVps() throws Exception {
        CliTestSupport.Result r = cli.ferry("known-hosts");
        assertEquals(0, r.code(), r.toString());
        assertEquals(String.join("\n", cli.host.knownHosts()) + "\n", r.out());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        int port = cli.host.sshAddress().getPort();
        assertTrue(lines[0].matches("@cert-authority \\S*\\[127\\.0\\.0\\.1]:" + port
                + "\\S* ssh-ed25519 \\S+ ferry-host-ca"), lines[0]);
        assertTrue(lines[0].contains("[localhost]:" + port + ",") && lines[0].contains("[::1]:" + port), lines[0]);
        assertTrue(lines[1].matches("@cert-authority vps-\\* ssh-ed25519 \\S+ ferry-host-ca"), lines[1]);
        assertEquals(lines[0].split(" ")[3], lines[1].split(" ")[3], "one host CA for both");
        JsonNode json = Json.MAPPER.readTree(cli.ferry("known-hosts", "--json").out());
        assertEquals(lines[1], json.get("lines").get(1).asText());
    }
}

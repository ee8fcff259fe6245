package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry host} and {@code ferry up} refuse to start with the reason: a bad configuration key, a port taken, no
 * Docker.
 */
class CliHostCommandTest {
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
    void hostRefusesUnknownAndBadConfigKeysByName() throws Exception {
        Path config = home.resolve("bad.toml");
        Files.writeString(config, "[host]\nssh_prot = 2222\n");
        CliTestSupport.Result r = cli.ferry("host", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("unknown key 'host.ssh_prot'"), r.err());

        Files.writeString(config, "[host]\nssh_port = 70000\n");
        CliTestSupport.Result range = cli.ferry("host", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, range.code(), range.toString());
        assertTrue(range.err().contains("bad value for 'host.ssh_port' (line 2): must be a whole number from 0 to 65535, "
                + "got 70000; for example ssh_port = 2222"), range.err());
        Files.writeString(config, "[host]\nbanner_timeout_seconds = 0\n");
        CliTestSupport.Result banner = cli.ferry("host", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, banner.code(), banner.toString());
        assertTrue(banner.err().contains("bad value for 'host.banner_timeout_seconds' (line 2): must be a whole number "
                + "of seconds from 1 to 300, got 0"), banner.err());
        Files.writeString(config, "[host]\nssh_port = 70000\n");
        CliTestSupport.Result overridden = cli.ferry("host", "--config", config.toString(), "--ssh-port", "2222");
        assertEquals(ExitCodes.USAGE, overridden.code(), "a wrong value in the file is wrong even under a flag");

        for (String notAPort : List.of("22.7", "\"2222\"")) {
            Files.writeString(config, "[host]\nssh_port = " + notAPort + "\n");
            CliTestSupport.Result coerced = cli.ferry("host", "--config", config.toString());
            assertEquals(ExitCodes.USAGE, coerced.code(), notAPort + ": " + coerced);
            assertTrue(coerced.err().contains("'host.ssh_port'"), coerced.err());
        }

        Files.writeString(config, "[host]\napi_port = \"eighty\"\n");
        CliTestSupport.Result type = cli.ferry("host", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, type.code(), type.toString());
        assertTrue(type.err().contains("'host.api_port'"), type.err());
        for (String[] bad : List.of(
                new String[] {"max_sessions_per_key = 0", "must be a whole number from 1 to 100000, got 0; for example "
                        + "max_sessions_per_key = 10000"},
                new String[] {"login_grace_time_seconds = 1", "must be a whole number of seconds from 5 to 600, got 1; "
                        + "for example login_grace_time_seconds = 60"},
                new String[] {"penalty_exempt = [\"10.0.0.0/99\"]", "must be a list of addresses and networks in quotes "
                        + "('10.0.0.0/99' has a prefix length out of range), got [\"10.0.0.0/99\"]; for example "
                        + "penalty_exempt = [\"10.0.0.0/8\"]"},
                new String[] {"max_startups_per_source = \"64:30\"", "must be start:rate:full in quotes, with 1 <= start "
                        + "<= full and a rate of 0 to 100, got \"64:30\"; for example max_startups_per_source = "
                        + "\"64:30:256\""},
                new String[] {"max_startups = \"300:30:100\"", "must be start:rate:full in quotes, with 1 <= start <= "
                        + "full and a rate of 0 to 100, got \"300:30:100\"; for example max_startups = \"256:30:1024\""},
                new String[] {"host_cert_principals = []", "must be a list of host names and IP addresses in quotes (no "
                        + "ports, brackets or wildcards), at most 64 (must name at least one host name or address the "
                        + "bastion is reached by; leave it out for the defaults), got []; for example "
                        + "host_cert_principals = [\"bastion.example\", \"203.0.113.7\"]"},
                new String[] {"host_cert_principals = [\"[bastion.example]:2222\"]", "must be a list of host names and IP "
                        + "addresses in quotes (no ports, brackets or wildcards), at most 64 ('[bastion.example]:2222' is "
                        + "not a host name or IP address (letters, digits, '.', '-', ':'; no ports, brackets or "
                        + "wildcards)), got [\"[bastion.example]:2222\"]; for example host_cert_principals = "
                        + "[\"bastion.example\", \"203.0.113.7\"]"})) {
            Files.writeString(config, "[host]\n" + bad[0] + "\n");
            CliTestSupport.Result frontDoor = cli.ferry("host", "--config", config.toString());
            assertEquals(ExitCodes.USAGE, frontDoor.code(), frontDoor.toString());
            String key = bad[0].substring(0, bad[0].indexOf(' '));
            assertEquals("ferry: " + config + ": bad value for 'host." + key + "' (line 2): " + bad[1],
                    frontDoor.err().strip());
        }
        CliTestSupport.Result flag = cli.ferry("host", "--config", "/dev/null", "--ssh-port", "70000");
        assertEquals(ExitCodes.USAGE, flag.code(), flag.toString());
        assertEquals("ferry: --ssh-port must be a whole number from 0 to 65535, got '70000'", flag.err().strip());
    }

    @Test
    void hostSaysWhenItsApiPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            CliTestSupport.Result r = cli.ferry("host", "--data-dir", home.resolve("other").toString(),
                    "--ssh-port", "0", "--api-port", Integer.toString(taken.getLocalPort()));
            assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
            assertTrue(r.err().contains("cannot listen for the control API on 127.0.0.1:" + taken.getLocalPort()),
                    r.err());
        }
    }

    @Test
    void upExplainsWhatIsMissingWithoutDocker() {
        CliTestSupport.Result r = cli.ferry("up", "--docker-host", "unix://" + home.resolve("no-docker.sock"),
                "--data-dir", home.resolve("up").toString(), "--ssh-port", "0", "--api-port", "0");
        assertEquals(ExitCodes.UNAVAILABLE, r.code(), r.toString());
        assertTrue(r.err().contains("Docker is not running on this machine") && r.err().contains("apt-get install docker.io")
                && r.err().contains("ferry host"), r.err());
    }
}

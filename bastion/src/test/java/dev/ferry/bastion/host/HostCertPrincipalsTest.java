package dev.ferry.bastion.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The names the bastion's host certificate is valid for: defaults, configured, and the checks on them. */
class HostCertPrincipalsTest {
    private static final Path DIR = Path.of("/nonexistent/ferry");

    @Test
    void theDefaultsAreThisMachinesNameAndLoopbackInEveryForm() throws Exception {
        List<String> names = HostCertPrincipals.defaults("0.0.0.0");
        String machine = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        assertEquals(List.of(machine, "localhost", "127.0.0.1", "::1"), names);
        assertEquals(names, HostCertPrincipals.defaults("::"), "a wildcard bind is no name anyone connects to");
    }

    @Test
    void aBindAddressThatIsNoWildcardIsANameToo() {
        assertTrue(HostCertPrincipals.defaults("10.0.0.5").contains("10.0.0.5"));
        assertTrue(HostCertPrincipals.defaults("Bastion.Example").contains("bastion.example"),
                "the OpenSSH client compares the lower-cased name");
        assertFalse(HostCertPrincipals.defaults("0:0:0:0:0:0:0:0").contains("0:0:0:0:0:0:0:0"));
    }

    @Test
    void configuredNamesReplaceTheDefaultsAndSurviveOtherChanges() {
        HostConfig config = HostConfig.defaults(DIR).with(HostSettings.HOST_CERT_PRINCIPALS, List.of("Bastion.Example", "203.0.113.7",
                "bastion.example"));
        assertEquals(List.of("bastion.example", "203.0.113.7"), config.certPrincipals());
        assertEquals(config.certPrincipals(), config.withListeners("127.0.0.1", 0, "127.0.0.1", 0).certPrincipals());
        assertEquals(config.certPrincipals(), config.with(HostSettings.API_TLS, true).with(HostSettings.PENALTY_EXEMPT, List.of()).certPrincipals());
        // the defaults follow the bind address they are derived from
        assertTrue(HostConfig.defaults(DIR).withListeners("10.0.0.9", 0, "127.0.0.1", 0).certPrincipals()
                .contains("10.0.0.9"));
    }

    @Test
    void badNamesAreRefusedNamingTheKey() {
        for (List<String> bad : List.<List<String>>of(List.of(), List.of("[bastion]:2222"), List.of("*.example"),
                List.of("a b"), List.of("bastion,other"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> HostConfig.defaults(DIR).with(HostSettings.HOST_CERT_PRINCIPALS, bad), bad.toString());
            assertTrue(e.getMessage().startsWith("host_cert_principals"), e.getMessage());
        }
        assertEquals("host_cert_principals must name at least one host name or address the bastion is reached by; "
                + "leave it out for the defaults", assertThrows(IllegalArgumentException.class,
                        () -> HostCertPrincipals.check(List.of())).getMessage());
    }
}

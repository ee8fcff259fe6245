package dev.ferry.bastion.ssh.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.vps.VpsRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoginTest {

    @Test
    void readsIdsNamesAndLoginUsers() {
        assertEquals(new Login.ToVps(VpsRef.ofId(7323718749301768192L), "root"),
                Login.parse("vps-7323718749301768192").orElseThrow());
        assertEquals(new Login.ToVps(VpsRef.parse("web"), "alice"), Login.parse("VPS-Web+alice").orElseThrow());
        assertInstanceOf(Login.Jump.class, Login.parse("jump").orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "vps-", "vps-../x", "vps-web/..", "root", "vps-web+", "vps-web+a b", "vps-web+-x",
            "vps-1abc", "vps-web\u0000", "vps-w\u00e9b", "vps-web\n", "vps-99999999999999999999", "jumpy",
            "vps-web+alice+bob", "vps-a;rm -rf"})
    void refusesMalformedNames(String name) {
        assertTrue(Login.parse(name).isEmpty(), name);
    }

    @Test
    void refusesVeryLongNames() {
        assertTrue(Login.parse("vps-" + "a".repeat(10_000)).isEmpty());
    }

    @Test
    void readsVpsTargetHosts() {
        assertEquals(VpsRef.parse("web"), Login.vpsHost("VPS-WEB").orElseThrow());
        assertEquals(VpsRef.ofId(12L), Login.vpsHost("vps-12").orElseThrow());
        assertTrue(Login.vpsHost("example.com").isEmpty());
        assertTrue(Login.vpsHost("vps-web.example.com").isEmpty());
    }
}

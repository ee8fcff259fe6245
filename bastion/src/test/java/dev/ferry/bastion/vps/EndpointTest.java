package dev.ferry.bastion.vps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

    @Test
    void parsesHostsAndBracketedIpv6() {
        assertEquals(new Endpoint("10.0.0.5", 22), Endpoint.parse("10.0.0.5:22"));
        assertEquals(new Endpoint("runner-1.example", 32768), Endpoint.parse("runner-1.example:32768"));
        Endpoint v6 = Endpoint.parse("[fd00::5]:2200");
        assertEquals("fd00::5", v6.host());
        assertEquals("[fd00::5]:2200", v6.toString());
    }

    @Test
    void writesAddressesAsPeopleDo() throws Exception {
        for (String[] c : new String[][] {{"10.0.0.5", "10.0.0.5"}, {"::1", "::1"}, {"::", "::"},
                {"fe80:0:0:0:1:2:3:4", "fe80::1:2:3:4"}, {"1:0:0:2:0:0:0:3", "1:0:0:2::3"}, {"fd00::5", "fd00::5"},
                {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"}, {"1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"},
                {"1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"}, {"1:2:3:4:5:6:0:0", "1:2:3:4:5:6::"}}) {
            assertEquals(c[1], Endpoint.address(java.net.InetAddress.getByName(c[0])), c[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "host", "host:", ":22", "host:0", "host:65536", "host:22x", "fd00::5:22",
            "[fd00::5]22", "ho st:22", "host:-1", "[evil.example]:22", "999.999.999.999:22", "1.2.3:22", "[::::]:22",
            "[1:2:3:4:5:6:7:8:9]:22"})
    void refusesMalformedEndpoints(String text) {
        FerryException e = assertThrows(FerryException.class, () -> Endpoint.parse(text));
        assertTrue(e.getMessage().contains("endpoint"), e.getMessage());
    }
}

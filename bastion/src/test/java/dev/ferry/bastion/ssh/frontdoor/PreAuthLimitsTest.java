package dev.ferry.bastion.ssh.frontdoor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.host.HostSettings;
import org.junit.jupiter.api.Test;

/** MaxStartups' arithmetic: nothing dropped up to start, rate % just past it, growing to all beyond full. */
class PreAuthLimitsTest {
    private final Startups s = new Startups(10, 30, 100);

    @Test
    void dropsNothingUpToStartThenMoreAndMoreThenAll() {
        for (int n = 1; n <= 10; n++) {
            assertFalse(s.drops(n, 0.0), "connection " + n + " is below the start");
        }
        assertTrue(s.drops(11, 0.29), "30 % just past the start");
        assertFalse(s.drops(11, 0.31));
        assertTrue(s.drops(55, 0.60), "about 65 % half way");
        assertFalse(s.drops(55, 0.70));
        assertTrue(s.drops(100, 0.98), "nearly all at full");
        assertTrue(s.drops(101, 0.999999), "all beyond full");
        assertTrue(HostSettings.MAX_STARTUPS_PER_SOURCE.fallback().start() >= 50, "50 honest parallel logins from one address pass");
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Startups(0, 30, 100));
        assertThrows(IllegalArgumentException.class, () -> new Startups(10, 101, 100));
        assertThrows(IllegalArgumentException.class, () -> new Startups(10, 30, 9));
    }
}
